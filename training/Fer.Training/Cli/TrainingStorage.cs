using Fer.Inference;
using Fer.Inference.Storage;
using Fer.Inference.TrainingData;
using Fer.Training.Training;

namespace Fer.Training.Cli;

/// <summary>fer-train's three uses of Blob Storage: data sets and checkpoints in <c>training</c>, model versions in <c>models</c>.</summary>
internal sealed class TrainingStorage(StorageConnection connection)
{
    /// <summary>Where <c>--data blob:NAME</c> is downloaded unless <c>--data-cache</c> says otherwise.</summary>
    public static string DefaultDataCache { get; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "fer", "training-data");

    private readonly Azure.Storage.Blobs.BlobServiceClient service = connection.CreateBlobServiceClient();

    public TrainingDataStore Data => new(service.GetBlobContainerClient(TrainingDataStore.ContainerName));

    public ModelStore Models => new(service.GetBlobContainerClient(new FerOptions().ModelsContainer));

    public RunCheckpointStore Checkpoints(string runDirectory) =>
        new(service.GetBlobContainerClient(TrainingDataStore.ContainerName), Path.GetFileName(Path.TrimEndingDirectorySeparator(runDirectory)));

    /// <summary>Downloads (or completes, or just verifies) a data set into the cache; returns its local root.</summary>
    public async Task<string> DownloadDataAsync(string name, string cacheDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        var root = await Data.DownloadAsync(name, cacheDirectory, p => Console.Error.Write($"\rdata {name}: {p}   "), cancellationToken).ConfigureAwait(false);
        Console.Error.WriteLine();
        log.WriteLine($"Data set {name} verified in {root}.");
        return root;
    }
}
