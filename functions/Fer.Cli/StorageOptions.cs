using System.CommandLine;
using Azure.Storage.Blobs;
using Fer.Inference;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fer.Cli;

/// <summary>
/// Where fer finds storage: --connection-string (or FER_STORAGE_CONNECTION_STRING), --account NAME
/// with your Azure login, or by default Azurite on its standard ports.
/// </summary>
internal static class StorageOptions
{
    public static readonly Option<string?> ConnectionString = new("--connection-string")
    {
        Description = "Storage connection string (default: FER_STORAGE_CONNECTION_STRING, else Azurite on its default ports).",
        Recursive = true,
    };

    public static readonly Option<string?> Account = new("--account")
    {
        Description = "Storage account name, reached with your Azure identity (az login) instead of a connection string.",
        Recursive = true,
    };

    public static StorageConnection Resolve(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.GetValue(Account) is { Length: > 0 } account)
        {
            return StorageConnection.ForAccount(account);
        }

        var connection = parse.GetValue(ConnectionString)
            ?? Environment.GetEnvironmentVariable("FER_STORAGE_CONNECTION_STRING")
            ?? StorageConnection.DevelopmentStorage;
        return new StorageConnection { ConnectionString = connection };
    }
}

/// <summary>The serving objects over one storage account, as the function app builds them.</summary>
internal sealed class CliServices : IDisposable
{
    private readonly ILoggerFactory logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));

    public CliServices(StorageConnection connection, FerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Options = options ?? new FerOptions();
        var blobs = connection.CreateBlobServiceClient();
        Faces = blobs.GetBlobContainerClient(Options.FacesContainer);
        Models = new ModelStore(blobs.GetBlobContainerClient(Options.ModelsContainer));
        Results = new ResultsStore(connection.CreateTableServiceClient().GetTableClient(Options.ResultsTable));
        var wrapped = Microsoft.Extensions.Options.Options.Create(Options);
        Provider = new ModelProvider(Models, wrapped, logging.CreateLogger<ModelProvider>());
        Pipeline = new ClassificationPipeline(Provider, Results, wrapped, logging.CreateLogger<ClassificationPipeline>());
        Processor = new BatchProcessor(Faces, Provider, Results, Pipeline, wrapped);
    }

    public FerOptions Options { get; }

    public BlobContainerClient Faces { get; }

    public ModelStore Models { get; }

    public ResultsStore Results { get; }

    public ModelProvider Provider { get; }

    public ClassificationPipeline Pipeline { get; }

    public BatchProcessor Processor { get; }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await Faces.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Models.Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Results.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        Provider.Dispose();
        logging.Dispose();
    }
}
