using Azure.Storage.Blobs;
using Fer.Inference;
using Fer.Inference.Pipeline;
using Fer.Inference.Reclassification;
using Fer.Inference.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fer.Api;

/// <summary>
/// The serving services: one model provider (one model per instance), the stores, the pipeline and the HTTP API;
/// the same for the function app and <c>fer serve</c>.
/// </summary>
public static class ServiceRegistration
{
    /// <summary>The app setting (or setting prefix) of the storage connection, shared with the blob trigger.</summary>
    public const string StorageConnectionName = "FerStorage";

    /// <param name="connection">The storage to use; null reads the connection <see cref="StorageConnectionName"/> from <paramref name="configuration"/>.</param>
    public static IServiceCollection AddFerServing(this IServiceCollection services, IConfiguration configuration, StorageConnection? connection = null)
    {
        services.AddOptions<FerOptions>().Bind(configuration.GetSection(FerOptions.SectionName));
        services.AddOptions<ReconcilerOptions>().Bind(configuration.GetSection(FerOptions.SectionName));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => connection ?? StorageConnection.FromSettings(key => configuration[key], StorageConnectionName));
        services.AddSingleton(sp => sp.GetRequiredService<StorageConnection>().CreateBlobServiceClient());
        services.AddSingleton(sp => sp.GetRequiredService<StorageConnection>().CreateTableServiceClient());
        services.AddSingleton(sp => new ModelStore(sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Options(sp).ModelsContainer)));
        services.AddSingleton(sp => new ResultsStore(sp.GetRequiredService<Azure.Data.Tables.TableServiceClient>().GetTableClient(Options(sp).ResultsTable)));
        services.AddSingleton<ModelProvider>();
        services.AddSingleton<ClassificationPipeline>();
        services.AddSingleton(sp => new BatchProcessor(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Options(sp).FacesContainer),
            sp.GetRequiredService<ModelProvider>(),
            sp.GetRequiredService<ResultsStore>(),
            sp.GetRequiredService<ClassificationPipeline>(),
            sp.GetRequiredService<IOptions<FerOptions>>()));
        services.AddSingleton(sp => new BatchDeleter(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Options(sp).FacesContainer),
            sp.GetRequiredService<ResultsStore>(),
            sp.GetRequiredService<IOptions<FerOptions>>()));
        services.AddSingleton(sp => new Reconciler(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Options(sp).FacesContainer),
            sp.GetRequiredService<BatchProcessor>(),
            sp.GetRequiredService<ResultsStore>(),
            sp.GetRequiredService<ModelProvider>(),
            sp.GetRequiredService<IOptions<FerOptions>>(),
            sp.GetRequiredService<IOptions<ReconcilerOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Reconciler>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ReclassifyMessages(sp.GetRequiredService<StorageConnection>().CreateQueueServiceClient().GetQueueClient(ReclassifyMessages.Name)));
        services.AddSingleton<ReclassifyRuns>();
        services.AddSingleton(sp => new ReclassifyWorker(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Options(sp).FacesContainer),
            sp.GetRequiredService<ClassificationPipeline>(),
            sp.GetRequiredService<ReclassifyRuns>()));
        services.AddHostedService<ModelWarmup>();
        services.AddSingleton<ResultsApi>();
        services.AddSingleton<ClassifyApi>();
        services.AddSingleton<BlobImageApi>();
        services.AddSingleton<BatchDeletionApi>();
        services.AddSingleton<ReclassifyApi>();
        return services;
    }

    private static FerOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<FerOptions>>().Value;
}
