using Fer.Inference;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fer.Api;

/// <summary>
/// The serving services of the function app and <c>fer serve</c>: the inference wiring (<see cref="InferenceServiceRegistration.AddFerInference"/>,
/// shared with the CLI through <see cref="ServingComponents"/>) with settings bound from configuration, the HTTP API and the model warm-up.
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
        services.AddFerInference(_ => connection ?? StorageConnection.FromSettings(key => configuration[key], StorageConnectionName));
        services.AddHostedService<ModelWarmup>();
        services.AddSingleton(sp => new RequestBudget(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<FerOptions>>().Value.MaxRequestBytesInFlight));
        services.AddSingleton<ResultsApi>();
        services.AddSingleton<ClassifyApi>();
        services.AddSingleton<BlobImageApi>();
        services.AddSingleton<BatchDeletionApi>();
        services.AddSingleton<ReclassifyApi>();
        return services;
    }
}
