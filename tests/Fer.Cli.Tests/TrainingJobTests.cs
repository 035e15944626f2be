using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Models;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Fer.Inference.TrainingData;
using Fer.Testing;
using Fer.Training.Cli;
using Fer.Training.Training;
using TrainExitCodes = Fer.Training.Cli.ExitCodes;

namespace Fer.Cli.Tests;

/// <summary>
/// The training job of infra/README.md on Azurite, CPU only: fer data upload, then one fer-train command that downloads
/// the data set, trains, exports, measures, checkpoints to storage and publishes and promotes; then serving loads it.
/// </summary>
[Collection(AzuriteTests.Name)] // one at a time: these tests redirect the console
public sealed class TrainingJobTests(Azurite azurite) : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "fer-job-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Upload_train_from_blob_publish_and_promote_then_serving_classifies_with_the_new_model()
    {
        var data = Path.Combine(root, "faces");
        // 63 images: 7 for validation (one per class), 56 for training in 7 batches of 8.
        MiniatureDataset.WriteFolders(data, "train", perClass: 9, size: 48, seed: 21);
        var connection = new[] { "--connection-string", azurite.ConnectionString };

        var (uploadExit, uploadOutput, _) = await Fer(["data", "upload", data, "--name", "mini", .. connection]);
        var (againExit, _, againProgress) = await Fer(["data", "upload", data, "--name", "mini", .. connection]);

        Assert.Equal((0, 0), (uploadExit, againExit));
        Assert.Contains("63 labelled image(s)", uploadOutput, StringComparison.Ordinal);
        Assert.Contains("63/63 files (63 already there)", againProgress, StringComparison.Ordinal); // resumable: nothing sent twice
        var training = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(TrainingDataStore.ContainerName);
        var manifest = TrainingDataManifest.Parse((await training.GetBlobClient("mini/manifest.json").DownloadContentAsync()).Value.Content.ToString(), "manifest");
        var happy = Assert.Single(manifest.Files, f => f.Path == "train/happy/img_003.png");
        Assert.Equal("Happiness", happy.Label);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(data, "train", "happy", "img_003.png")))), happy.Sha256);

        var stray = Path.Combine(root, "cache", "mini", "train", "happy", "from-an-earlier-upload.png");
        Directory.CreateDirectory(Path.GetDirectoryName(stray)!);
        File.Copy(Path.Combine(data, "train", "sad", "img_000.png"), stray);
        var run = Path.Combine(root, "runs", "job1");
        var (trainExit, trainOutput, trainError) = Train(
        [
            "train", "--data", "blob:mini", "--data-cache", Path.Combine(root, "cache"), .. connection,
            "--backbone", "resnet18", "--image-size", "32", "--batch-size", "8", "--stage1-epochs", "0", "--stage2-epochs", "1",
            "--stage2-lr", "1e-3", "--no-jitter", "--no-flip", "--no-rotation", "--threads", "2", "--mirror-average",
            "--out", run, "--publish", "--promote",
        ]);

        Assert.True(trainExit == TrainExitCodes.Success, trainOutput + trainError);
        Assert.True(File.Exists(Path.Combine(root, "cache", "mini", "train", "happy", "img_003.png")));
        Assert.False(File.Exists(stray)); // the cache mirrors the manifest: a stale file would be trained on as "happy"
        var exported = ModelManifest.Load(Path.Combine(run, "model", ModelManifest.FileName));
        Assert.NotNull(exported.Architecture.TestTimeAugmentation); // --mirror-average reached the export
        Assert.DoesNotContain(azurite.ConnectionString, exported.Training!.Command!, StringComparison.Ordinal); // never recorded
        Assert.True((await training.GetBlobClient($"runs/job1/{Trainer.LastWeights}").ExistsAsync()).Value);
        Assert.True((await training.GetBlobClient($"runs/job1/{RunState.FileName}").ExistsAsync()).Value);

        var models = new ModelStore(new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(new FerOptions().ModelsContainer));
        Assert.Equal(exported.Version, (await models.GetPointerAsync())!.Version);
        var servedReport = models.Container.GetBlobClient($"{ModelStore.Prefix}{exported.Version}/{TrainingJob.ServingReportFolder}/metrics.json");
        Assert.True((await servedReport.ExistsAsync()).Value, "the served measurement is published beside the model");
        Assert.True((await models.Container.GetBlobClient($"{ModelStore.Prefix}{exported.Version}/report/metrics.json").ExistsAsync()).Value);

        using var serving = new ServingComponents(new StorageConnection { ConnectionString = azurite.ConnectionString }, new FerOptions { ModelCacheDirectory = Path.Combine(root, "model-cache") });
        using var lease = await serving.Provider.AcquireAsync();
        var classifier = lease.Model;
        var result = classifier.Classify(File.ReadAllBytes(Path.Combine(data, "train", "sad", "img_000.png")));
        Assert.Equal(exported.Version, classifier.Version);
        Assert.Equal(ClassificationStatus.Classified, result.Status);
        Assert.Contains(result.Emotion, EmotionLabels.Canonical);

        // A replaced VM: the run directory is gone, --resume brings it back from training/runs/job1/.
        Directory.Delete(run, recursive: true);
        var (resumeExit, resumeOutput, resumeError) = Train(["train", "--resume", run, .. connection]);
        Assert.True(resumeExit == TrainExitCodes.Success, resumeOutput + resumeError);
        Assert.Contains("Run restored from training/runs/job1/", resumeOutput, StringComparison.Ordinal);
        Assert.Single(JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunState.FileName))).RootElement.GetProperty("history").EnumerateArray());
    }

    [Fact]
    public async Task Bad_data_sets_and_runs_fail_with_one_clear_line()
    {
        var data = Path.Combine(root, "faces");
        MiniatureDataset.WriteFolders(data, "train", perClass: 1, size: 48, seed: 5);
        Directory.Move(Path.Combine(data, "train", "happy"), Path.Combine(data, "train", "smiling"));
        var connection = new[] { "--connection-string", azurite.ConnectionString };

        var (unknownExit, _, unknownError) = await Fer(["data", "upload", data, "--name", "bad-labels", .. connection]);
        var (missingExit, _, missingError) = Train(["train", "--data", "blob:absent", "--data-cache", Path.Combine(root, "cache"), .. connection, "--out", Path.Combine(root, "r")]);
        var (noRunExit, _, noRunError) = Train(["train", "--resume", Path.Combine(root, "never-ran"), .. connection]);
        var (promoteExit, _, promoteError) = Train(["train", "--data", data, "--out", Path.Combine(root, "r2"), "--promote"]);

        Assert.Equal(ExitCodes.Failure, unknownExit);
        Assert.Contains("'train/smiling/img_000.png' is not in a class folder", unknownError, StringComparison.Ordinal);
        Assert.False((await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(TrainingDataStore.ContainerName).GetBlobClient("bad-labels/train/angry/img_000.png").ExistsAsync()).Value);
        Assert.Equal(TrainExitCodes.Failure, missingExit);
        Assert.Contains("There is no data set 'absent'", missingError, StringComparison.Ordinal);
        Assert.Equal(TrainExitCodes.NoSuchRun, noRunExit);
        Assert.Contains("storage has none under training/runs/never-ran/", noRunError, StringComparison.Ordinal);
        Assert.Equal((TrainExitCodes.Failure, "fer-train: --promote needs --publish."), (promoteExit, promoteError.Trim()));
    }

    [Fact]
    public void Checkpoints_send_only_files_that_changed_and_restore_brings_back_every_file()
    {
        var run = Path.Combine(root, "runs", "ckpt1");
        Directory.CreateDirectory(run);
        string[] files = ["config.json", Trainer.LastWeights, Trainer.LastOptimizer, Trainer.BestWeights, "test-split.txt", RunState.FileName];
        foreach (var file in files)
        {
            File.WriteAllText(Path.Combine(run, file), $"{file} of epoch 1");
        }

        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(TrainingDataStore.ContainerName);
        var store = new RunCheckpointStore(container, "ckpt1");
        Dictionary<string, ETag> Stored() => container.GetBlobs(new GetBlobsOptions { Prefix = "runs/ckpt1/" }).ToDictionary(b => b.Name, b => b.Properties.ETag!.Value);

        store.Upload(run);
        var first = Stored();
        store.Upload(run); // nothing touched: nothing sent
        var unchanged = Stored();
        // A new state of the same length (as a checkpoint's is): only its last-write time tells it changed.
        File.WriteAllText(Path.Combine(run, RunState.FileName), $"{RunState.FileName} of epoch 2");
        File.SetLastWriteTimeUtc(Path.Combine(run, RunState.FileName), DateTime.UtcNow.AddSeconds(1));
        store.Upload(run);
        var afterState = Stored();

        Assert.Equal(files.Select(f => $"runs/ckpt1/{f}").Order(), first.Keys.Order());
        Assert.Equal(first, unchanged);
        Assert.Equal([$"runs/ckpt1/{RunState.FileName}"], afterState.Where(b => first[b.Key] != b.Value).Select(b => b.Key));

        var restored = Path.Combine(root, "restored", "ckpt1");
        Assert.True(new RunCheckpointStore(container, "ckpt1").Restore(restored));
        Assert.Equal(files.Order(), Directory.GetFiles(restored).Select(Path.GetFileName).Order());
        Assert.All(files, f => Assert.Equal(File.ReadAllText(Path.Combine(run, f)), File.ReadAllText(Path.Combine(restored, f))));
        Assert.False(new RunCheckpointStore(container, "ckpt-never").Restore(Path.Combine(root, "restored", "ckpt-never")));
        Assert.False(new RunCheckpointStore(new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("no-such-container"), "ckpt1").Restore(Path.Combine(root, "restored", "none")));
        Assert.False(Directory.Exists(Path.Combine(root, "restored", "ckpt-never")));
    }

    [Fact]
    public async Task A_blob_that_changed_after_the_upload_is_refused_on_download()
    {
        var data = Path.Combine(root, "faces");
        MiniatureDataset.WriteFolders(data, "train", perClass: 1, size: 48, seed: 6);
        var store = new TrainingDataStore(new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(TrainingDataStore.ContainerName));
        await store.UploadAsync(data, "tampered");
        await store.Container.GetBlobClient("tampered/train/sad/img_000.png").UploadAsync(BinaryData.FromString("not the image"), overwrite: true);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.DownloadAsync("tampered", Path.Combine(root, "cache")));

        Assert.Contains("tampered/train/sad/img_000.png has SHA-256", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(root, "cache", "tampered", "train", "sad", "img_000.png"))); // never put in place
    }

    [Fact]
    public async Task Storage_that_does_not_answer_is_one_clear_line()
    {
        var data = Path.Combine(root, "faces");
        MiniatureDataset.WriteFolders(data, "train", perClass: 1, size: 48, seed: 7);
        var closed = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;";

        var (exit, _, error) = await Fer(["data", "upload", data, "--name", "down", "--connection-string", closed]);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.StartsWith("fer: storage is not reachable", error, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Output, string Error)> Fer(string[] args) =>
        ConsoleCapture.RunAsync(() => FerCommandLine.RunAsync(args));

    private static (int Exit, string Output, string Error) Train(string[] args) =>
        ConsoleCapture.RunAsync(() => Task.FromResult(FerTrainCommandLine.Run(args))).GetAwaiter().GetResult();
}
