using Azure.Storage.Blobs;
using Fer.Inference.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fer.Inference.Pipeline;

/// <summary>
/// The serving objects over one storage account, wired as the function app wires them through DI:
/// for callers without a DI container (the CLI, tests, benchmarks).
/// </summary>
public sealed class ServingComponents : IDisposable
{
    public ServingComponents(StorageConnection connection, FerOptions? options = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        loggers ??= NullLoggerFactory.Instance;
        Options = options ?? new FerOptions();
        var blobs = connection.CreateBlobServiceClient();
        Faces = blobs.GetBlobContainerClient(Options.FacesContainer);
        Models = new ModelStore(blobs.GetBlobContainerClient(Options.ModelsContainer));
        Results = new ResultsStore(connection.CreateTableServiceClient().GetTableClient(Options.ResultsTable));
        var wrapped = Microsoft.Extensions.Options.Options.Create(Options);
        Provider = new ModelProvider(Models, wrapped, loggers.CreateLogger<ModelProvider>());
        Pipeline = new ClassificationPipeline(Provider, Results, wrapped, loggers.CreateLogger<ClassificationPipeline>());
        Processor = new BatchProcessor(Faces, Provider, Results, Pipeline, wrapped);
        Deleter = new BatchDeleter(Faces, Results, wrapped);
    }

    public FerOptions Options { get; }

    public BlobContainerClient Faces { get; }

    public ModelStore Models { get; }

    public ResultsStore Results { get; }

    public ModelProvider Provider { get; }

    public ClassificationPipeline Pipeline { get; }

    public BatchProcessor Processor { get; }

    public BatchDeleter Deleter { get; }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await Faces.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Models.Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Results.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => Provider.Dispose();
}
