using System.Text.Json;
using Fer.Inference.Models;
using Fer.Training.Training;

namespace Fer.Training.Cli;

/// <summary>
/// A run directory of <c>fer-train train</c>, read back so that its best checkpoint can be exported
/// again (for instance with <c>--mirror-average</c>) with the run's architecture, preprocessing and provenance.
/// </summary>
internal sealed record TrainedRun(string Directory, TrainingOptions Options, string BestWeights, TrainingInfo Training)
{
    public ModelInput Input => Options.ToModelInput();

    public static TrainedRun Open(string directory)
    {
        var options = RunFiles.ReadOptions(directory);
        var bestWeights = Path.Combine(directory, Trainer.BestWeights);
        if (!File.Exists(bestWeights))
        {
            throw new FileNotFoundException(
                $"'{directory}' has no {Trainer.BestWeights}: the run has not finished an epoch yet. Train or resume it first.", bestWeights);
        }

        return new TrainedRun(directory, options, bestWeights, ReadTraining(directory));
    }

    /// <summary>
    /// The run's own model manifest says it best (data, command, test metrics); a run that has not
    /// finished has none yet, so its configuration gives the data and the command, without metrics.
    /// </summary>
    private static TrainingInfo ReadTraining(string directory)
    {
        var manifestPath = Path.Combine(directory, "model", ModelManifest.FileName);
        if (File.Exists(manifestPath) && ModelManifest.Load(manifestPath).Training is { } training)
        {
            return training;
        }

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, RunFiles.ConfigFile)));
        var root = config.RootElement;
        var data = root.TryGetProperty("data", out var description) ? description.GetString() : null;
        var fingerprint = (root.TryGetProperty("dataFingerprint", out var print) || root.TryGetProperty("data_fingerprint", out print)) ? print.GetString() : null;
        return new TrainingInfo
        {
            Dataset = fingerprint is { Length: >= 12 } ? $"{data} (fingerprint {fingerprint[..12]})" : data,
            Command = root.TryGetProperty("command", out var command) ? command.GetString() : null,
        };
    }
}
