using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Fer.Inference;
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

    /// <summary>Each file's last-write time and length when this instance uploaded it.</summary>
    private readonly Dictionary<string, (DateTime LastWriteUtc, long Length)> uploaded = new(StringComparer.Ordinal);

    private bool containerCreated;

    public RunCheckpointStore(BlobContainerClient container, string runName)
    {
        if (!TrainingDataPath.IsValidName(runName))
        {
            throw new FerException($"The run directory's name '{runName}' names the run in storage and must be {TrainingDataPath.NameRule}.");
        }

        this.container = container;
        RunName = runName;
    }

    public string RunName { get; }

    public string Location => $"{container.Name}/{Prefix}{RunName}/";

    /// <summary>Whether storage holds a run of this name (its configuration).</summary>
    public bool Exists() => Blob(ResumeFiles[0]).Exists().Value;

    /// <summary>
    /// Uploads the run's resumable files that exist and changed since this instance last sent them (synchronous: it
    /// runs between epochs). The first call sends them all, so a resumed run's storage is whole again.
    /// </summary>
    public void Upload(string runDirectory)
    {
        if (!containerCreated)
        {
            container.CreateIfNotExists(); // once: it is a round trip, and nothing deletes the container during a run
            containerCreated = true;
        }

        foreach (var file in ResumeFiles)
        {
            var local = new FileInfo(Path.Combine(runDirectory, file));
            if (!local.Exists)
            {
                continue;
            }

            // The best checkpoint, config.json and test-split.txt rarely change: re-sending them every epoch costs ~100 MB.
            var version = (local.LastWriteTimeUtc, local.Length);
            if (uploaded.TryGetValue(file, out var sent) && sent == version)
            {
                continue;
            }

            Blob(file).Upload(local.FullName, overwrite: true);
            uploaded[file] = version; // only once it is in storage: a failed upload is retried next epoch
        }
    }

    /// <summary>Downloads the run into <paramref name="runDirectory"/>; false when storage has no run of this name.</summary>
    public bool Restore(string runDirectory)
    {
        // One listing instead of an Exists() round trip per file.
        HashSet<string> stored;
        try
        {
            stored = container.GetBlobs(new GetBlobsOptions { Prefix = $"{Prefix}{RunName}/" }).Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return false; // no run has ever been checkpointed to this storage
        }

        if (!stored.Contains(Blob(ResumeFiles[0]).Name))
        {
            return false;
        }

        Directory.CreateDirectory(runDirectory);
        foreach (var file in ResumeFiles.Where(f => stored.Contains(Blob(f).Name)))
        {
            var partial = Path.Combine(runDirectory, file + ".partial");
            Blob(file).DownloadTo(partial);
            File.Move(partial, Path.Combine(runDirectory, file), overwrite: true);
        }

        return true;
    }

    private BlobClient Blob(string file) => container.GetBlobClient($"{Prefix}{RunName}/{file}");
}
