using Azure.Storage.Blobs;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Pipeline;
using Fer.Inference.Reclassification;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>
/// ServingComponents is the function app's wiring (AddFerInference) behind a façade: its objects are that container's
/// singletons, they share one model provider, the options and loggers given reach them, and disposing it disposes the provider.
/// </summary>
[Collection(AzuriteTests.Name)]
public sealed class ServingComponentsWiringTests(Azurite azurite) : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_properties_are_the_registrations_singletons_and_the_options_are_the_instance_given()
    {
        var options = UniqueOptions();
        using var serving = new ServingComponents(new StorageConnection { ConnectionString = azurite.ConnectionString }, options);
        var services = serving.Services;

        Assert.Same(options, serving.Options);
        Assert.Same(options, services.GetRequiredService<IOptions<FerOptions>>().Value);
        Assert.Same(serving.Faces, services.GetRequiredKeyedService<BlobContainerClient>(InferenceServiceRegistration.FacesContainerKey));
        Assert.Same(serving.Models, services.GetRequiredService<ModelStore>());
        Assert.Same(serving.Results, services.GetRequiredService<ResultsStore>());
        Assert.Same(serving.Provider, services.GetRequiredService<ModelProvider>());
        Assert.Same(serving.Pipeline, services.GetRequiredService<ClassificationPipeline>());
        Assert.Same(serving.Processor, services.GetRequiredService<BatchProcessor>());
        Assert.Same(serving.Deleter, services.GetRequiredService<BatchDeleter>());
        Assert.Equal(options.FacesContainer, serving.Faces.Name);
        Assert.Equal(options.ModelsContainer, serving.Models.Container.Name);
        Assert.Equal(options.ResultsTable, serving.Results.Table.Name);

        // What the function app has beyond the CLI's properties comes from the same registration.
        Assert.NotNull(services.GetRequiredService<Reconciler>());
        Assert.NotNull(services.GetRequiredService<ReclassifyWorker>());
    }

    [Fact]
    public async Task The_processor_and_the_pipeline_serve_from_the_one_provider_with_the_options_given()
    {
        var options = UniqueOptions();
        options.ModelRefreshInterval = TimeSpan.FromHours(1); // a newer promotion is not seen by a provider that already loaded one
        options.DefaultBatch = "loose";
        using var serving = new ServingComponents(new StorageConnection { ConnectionString = azurite.ConnectionString }, options);
        await serving.EnsureCreatedAsync();
        var first = TestModels.Export(folder.Sub("v1"), seed: 31, size: 32);
        var second = TestModels.Export(folder.Sub("v2"), seed: 32, size: 32);
        await serving.Models.PublishAsync(folder.Sub("v1"), promote: true);
        await serving.Faces.GetBlobClient("a.png").UploadAsync(BinaryData.FromBytes(TestImages.Png(16, 16, SKColors.Orange)));

        var run = await serving.Processor.ProcessAsync("loose"); // root blobs are the DefaultBatch given
        Assert.Equal((1, 1), (run.Blobs, run.Classified));
        Assert.Equal(first.Version, serving.Provider.Health.Version); // the processor loaded into the façade's provider

        await serving.Models.PublishAsync(folder.Sub("v2"), promote: true);
        var b = serving.Faces.GetBlobClient("b.png");
        await b.UploadAsync(BinaryData.FromBytes(TestImages.Png(16, 16, SKColors.Teal)));
        var row = Assert.Single((await serving.Pipeline.ProcessAsync(b))!);

        // A pipeline with a provider of its own would have loaded the newly promoted version.
        Assert.NotEqual(first.Version, second.Version);
        Assert.Equal(first.Version, row.ModelVersion);
        Assert.Equal(FaceSources.WholeImage, row.FaceSource);
        var rows = new List<EmotionRow>();
        await foreach (var stored in serving.Results.AllAsync("loose"))
        {
            rows.Add(stored);
        }

        Assert.Equal(["a.png", "b.png"], rows.Select(r => r.BlobName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_loggers_given_are_used_and_left_to_the_caller_and_dispose_ends_the_provider()
    {
        using var loggers = new RecordingLoggerFactory();
        var serving = new ServingComponents(new StorageConnection { ConnectionString = azurite.ConnectionString }, UniqueOptions(), loggers);
        var provider = serving.Provider;

        Assert.Contains(typeof(ModelProvider).FullName!, loggers.Categories);
        Assert.Contains(typeof(ClassificationPipeline).FullName!, loggers.Categories);

        serving.Dispose();
        serving.Dispose(); // a second call does nothing
        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.AcquireAsync());
        Assert.Equal(0, loggers.Disposals);
    }

    private FerOptions UniqueOptions()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        return new FerOptions
        {
            FacesContainer = "faces" + suffix,
            ModelsContainer = "models" + suffix,
            ResultsTable = "emotions" + suffix,
            ModelCacheDirectory = folder.Sub("cache"),
            FaceFinding = FaceFinding.WholeImage,
        };
    }

    /// <summary>Records the logger categories asked for, and whether anyone disposed it.</summary>
    private sealed class RecordingLoggerFactory : ILoggerFactory
    {
        public List<string> Categories { get; } = [];

        public int Disposals { get; private set; }

        public ILogger CreateLogger(string categoryName)
        {
            lock (Categories)
            {
                Categories.Add(categoryName);
            }

            return NullLogger.Instance;
        }

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose() => Disposals++;
    }
}
