using Azure.Storage.Blobs;
using Fer.Inference.TrainingData;

namespace Fer.Training.Training;

/// <summary>
/// A run's resumable files in Blob Storage, <c>training/runs/&lt;run&gt;/</c>, uploaded after every epoch, so that a run
/// whose machine was preempted or replaced continues with <c>--resume</c> on another disk.
/// </summary>
public sealed class RunCheckpointStore
{
    public const string Prefix = "runs/";

    /// <summary>What --resume needs; state.json last, so a run in storage never points at checkpoints it lacks.</summary>
    private static readonly string[] ResumeFiles = ["config.json", Trainer.LastWeights, Trainer.LastOptimizer, Trainer.BestWeights, "test-split.txt", RunState.FileName];

    private readonly BlobContainerClient container;

    public RunCheckpointStore(BlobContainerClient container, string runName)
    {
        if (!TrainingDataPath.IsValidName(runName))
        {
            throw new ArgumentException($"The run directory's name '{runName}' names the run in storage and must be {TrainingDataPath.NameRule}.", nameof(runName));
        }

        this.container = container;
        RunName = runName;
    }

    public string RunName { get; }

    public string Location => $"{container.Name}/{Prefix}{RunName}/";

    /// <summary>Whether storage holds a run of this name (its configuration).</summary>
    public bool Exists() => Blob(ResumeFiles[0]).Exists().Value;

    /// <summary>Uploads the run's resumable files that exist (synchronous: it runs between epochs).</summary>
    public void Upload(string runDirectory)
    {
        container.CreateIfNotExists();
        foreach (var file in ResumeFiles.Where(f => File.Exists(Path.Combine(runDirectory, f))))
        {
            Blob(file).Upload(Path.Combine(runDirectory, file), overwrite: true);
        }
    }

    /// <summary>Downloads the run into <paramref name="runDirectory"/>; false when storage has no run of this name.</summary>
    public bool Restore(string runDirectory)
    {
        if (!Exists())
        {
            return false;
        }

        Directory.CreateDirectory(runDirectory);
        foreach (var file in ResumeFiles.Where(f => Blob(f).Exists().Value))
        {
            var partial = Path.Combine(runDirectory, file + ".partial");
            Blob(file).DownloadTo(partial);
            File.Move(partial, Path.Combine(runDirectory, file), overwrite: true);
        }

        return true;
    }

    private BlobClient Blob(string file) => container.GetBlobClient($"{Prefix}{RunName}/{file}");
}
