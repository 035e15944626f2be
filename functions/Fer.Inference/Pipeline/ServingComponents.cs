using Azure.Storage.Blobs;
using Fer.Inference.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fer.Inference.Pipeline;

/// <summary>
/// The serving objects over one storage account, for callers without a DI container (the CLI, tests, benchmarks):
/// a container built from <see cref="InferenceServiceRegistration.AddFerInference"/>, the function app's own wiring.
/// </summary>
public sealed class ServingComponents : IDisposable
{
    private readonly ServiceProvider services;

    /// <param name="options">The settings, used as given (the same instance reaches every object); null: the defaults.</param>
    /// <param name="loggers">Where the objects log; not disposed here, the caller owns it. Null: nowhere.</param>
    public ServingComponents(StorageConnection connection, FerOptions? options = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Options = options ?? new FerOptions();
        services = new ServiceCollection()
            .AddSingleton(loggers ?? NullLoggerFactory.Instance)
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(Options))
            .AddFerInference(_ => connection)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Faces = services.GetRequiredKeyedService<BlobContainerClient>(InferenceServiceRegistration.FacesContainerKey);
        Models = services.GetRequiredService<ModelStore>();
        Results = services.GetRequiredService<ResultsStore>();
        Provider = services.GetRequiredService<ModelProvider>();
        Pipeline = services.GetRequiredService<ClassificationPipeline>();
        Processor = services.GetRequiredService<BatchProcessor>();
        Deleter = services.GetRequiredService<BatchDeleter>();
    }

    public FerOptions Options { get; }

    public BlobContainerClient Faces { get; }

    public ModelStore Models { get; }

    public ResultsStore Results { get; }

    public ModelProvider Provider { get; }

    public ClassificationPipeline Pipeline { get; }

    public BatchProcessor Processor { get; }

    public BatchDeleter Deleter { get; }

    /// <summary>The container behind the properties, for tests of the wiring.</summary>
    internal IServiceProvider Services => services;

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => services.EnsureStorageCreatedAsync(cancellationToken);

    /// <summary>Disposes the container, which disposes what it created (the model provider) once; a second call does nothing.</summary>
    public void Dispose() => services.Dispose();
}
