using Azure.Storage.Blobs;
using Fer.Inference;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fer.Functions;

/// <summary>The serving services: one model provider (one model per instance), the stores and the pipeline.</summary>
public static class ServiceRegistration
{
    /// <summary>The app setting (or setting prefix) of the storage connection, shared with the blob trigger.</summary>
    public const string StorageConnectionName = "FerStorage";

    public static IServiceCollection AddFerServing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FerOptions>().Bind(configuration.GetSection(FerOptions.SectionName));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => StorageConnection.FromSettings(key => configuration[key], StorageConnectionName));
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
        services.AddSingleton<ResultsApi>();
        return services;
    }

    private static FerOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<FerOptions>>().Value;
}
