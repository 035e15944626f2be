using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Fer.Inference.Pipeline;
using Fer.Inference.Reclassification;
using Fer.Inference.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Fer.Inference;

/// <summary>
/// The one wiring of the serving objects over a storage account: the stores, the model provider (one per container),
/// the pipeline, batch processing, the reconciler and reclassification. The function app and <c>fer serve</c> add it
/// through <c>AddFerServing</c>, the CLI commands, tests and benchmarks through <see cref="ServingComponents"/>.
/// </summary>
public static class InferenceServiceRegistration
{
    /// <summary>The service key of the faces container (a <see cref="BlobContainerClient"/> named by <see cref="FerOptions.FacesContainer"/>).</summary>
    public const string FacesContainerKey = "Fer:Faces";

    /// <summary>
    /// Registers the serving objects as singletons. The caller configures <see cref="FerOptions"/> and
    /// <see cref="ReconcilerOptions"/> (bound from configuration, or given as an instance); unconfigured, they keep their defaults.
    /// </summary>
    /// <param name="connection">The storage to use, read once when first needed (an app setting may be missing in hosts that never touch storage).</param>
    public static IServiceCollection AddFerInference(this IServiceCollection services, Func<IServiceProvider, StorageConnection> connection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        services.AddLogging();
        services.AddOptions<FerOptions>();
        services.AddOptions<ReconcilerOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageConnection>(connection);
        services.AddSingleton(sp => sp.GetRequiredService<StorageConnection>().CreateBlobServiceClient());
        services.AddSingleton(sp => sp.GetRequiredService<StorageConnection>().CreateTableServiceClient());
        services.AddKeyedSingleton(FacesContainerKey, (sp, _) => sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Settings(sp).FacesContainer));
        services.AddSingleton(sp => new ModelStore(sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Settings(sp).ModelsContainer)));
        services.AddSingleton(sp => new ResultsStore(sp.GetRequiredService<TableServiceClient>().GetTableClient(Settings(sp).ResultsTable)));

        // Disposable (ONNX Runtime sessions): the container that creates it disposes it, once.
        services.AddSingleton<ModelProvider>();
        services.AddSingleton<ClassificationPipeline>();
        // The faces container comes by its key ([FromKeyedServices] on their constructors).
        services.AddSingleton<BatchProcessor>();
        services.AddSingleton<BatchDeleter>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton(sp => new ReclassifyMessages(sp.GetRequiredService<StorageConnection>().CreateQueueServiceClient().GetQueueClient(ReclassifyMessages.Name)));
        services.AddSingleton<ReclassifyRuns>();
        services.AddSingleton<ReclassifyWorker>();
        return services;
    }

    /// <summary>Creates the faces and models containers and the results table where they are missing (Azurite starts empty).</summary>
    public static async Task EnsureStorageCreatedAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        await Faces(services).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<ModelStore>().Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<ResultsStore>().CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
    }

    private static FerOptions Settings(IServiceProvider services) => services.GetRequiredService<IOptions<FerOptions>>().Value;

    private static BlobContainerClient Faces(IServiceProvider services) => services.GetRequiredKeyedService<BlobContainerClient>(FacesContainerKey);
}
