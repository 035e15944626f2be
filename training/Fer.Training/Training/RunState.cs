using Fer.Inference;
using Fer.Training.Reporting;

namespace Fer.Training.Training;

/// <summary>Where a run stands: written after every epoch so that --resume can continue it.</summary>
public sealed record RunState
{
    public const string FileName = "state.json";

    /// <summary>Always the schema this Fer writes, so that --resume reads the state of a run an older Fer started.</summary>
    public int Schema { get; } = FerJson.Schema;

    /// <summary>1 or 2: the stage of the next epoch to run.</summary>
    public int Stage { get; init; } = 1;

    /// <summary>Epochs finished in the current stage.</summary>
    public int EpochsDoneInStage { get; init; }

    public double BestScore { get; init; } = double.NegativeInfinity;

    public int BestStage { get; init; }

    public int BestEpoch { get; init; }

    public int EpochsSinceBest { get; init; }

    public bool Finished { get; init; }

    public IReadOnlyList<EpochRecord> History { get; init; } = [];

    public void Save(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        File.WriteAllText(path + ".tmp", FerJson.Write(this));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static RunState? Load(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        return File.Exists(path) ? FerJson.Read<RunState>(File.ReadAllText(path), path) : null;
    }
}
