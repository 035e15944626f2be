using Azure.Core;
using Azure.Storage.Blobs;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fer.Inference.Tests;

/// <summary>What the provider tells health and callers before and while it loads its first model, and when storage is unreachable.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ModelStartingTests(Azurite azurite) : IDisposable
{
    private readonly TempFolder models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task While_the_first_model_downloads_no_check_has_ended_so_health_can_say_starting()
    {
        using var storage = new StorageFixture(azurite);
        var manifest = TestModels.Export(models.Sub("m"), seed: 53);
        await storage.Models.PublishAsync(models.Sub("m"), promote: true);
        using var gate = new GatePolicy(message => message.Request.Uri.Path.EndsWith("/model.onnx", StringComparison.Ordinal));
        var options = new BlobClientOptions();
        options.AddPolicy(gate, HttpPipelinePosition.PerCall);
        var store = new ModelStore(new BlobContainerClient(azurite.ConnectionString, storage.Options.ModelsContainer, options));
        using var provider = new ModelProvider(store, Microsoft.Extensions.Options.Options.Create(storage.Options), NullLogger<ModelProvider>.Instance);

        var loading = provider.AcquireAsync();
        await gate.Reached.WaitAsync(TimeSpan.FromMinutes(1));
        var whileLoading = provider.Health;
        gate.Open();
        using (await loading)
        {
        }

        Assert.Equal((null, null), (whileLoading.Version, whileLoading.LastCheck));
        Assert.Equal(manifest.Version, provider.Health.Version);
        Assert.NotNull(provider.Health.LastCheck);
    }

    [Fact]
    public async Task Without_a_model_callers_and_rows_get_a_fixed_sentence_without_storage_details()
    {
        using var storage = new StorageFixture(azurite);
        var blob = await storage.UploadAsync("none/face.png", TestImages.Png(30, 30, SkiaSharp.SKColors.Pink));

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => storage.Pipeline.ProcessAsync(blob));

        var row = Assert.Single(await storage.AllRowsAsync("none"));
        Assert.Equal((FailureMessages.ModelUnavailable, FailureMessages.For(FailureMessages.ModelUnavailable)), (row.ErrorCode, row.Error));
        Assert.DoesNotContain(storage.Options.ModelsContainer, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ModelStore.PointerBlob, error.Message, StringComparison.Ordinal);
        Assert.Contains("fer model publish", error.Message, StringComparison.Ordinal);
        Assert.Contains(ModelStore.PointerBlob, storage.Provider.Health.LastError, StringComparison.Ordinal); // the detail stays inside
    }

    [Fact]
    public async Task Storage_that_does_not_answer_makes_the_model_unavailable_instead_of_throwing_the_transport_error()
    {
        // A port nothing listens on; one quick retry, after which the client throws an AggregateException of both tries.
        var dead = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        var store = new ModelStore(new BlobContainerClient(dead, "models", options));
        using var provider = new ModelProvider(store, Microsoft.Extensions.Options.Options.Create(new FerOptions()), NullLogger<ModelProvider>.Instance);

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => provider.AcquireAsync());

        Assert.DoesNotContain("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.NotNull(provider.Health.LastCheck);
        Assert.NotNull(provider.Health.LastError);
    }
}
