using System.Text.Json.Nodes;
using Fer.Inference.Models;
using Fer.Inference.Storage;
using Fer.Testing;

namespace Fer.Inference.Tests;

/// <summary>Versions are immutable: publishing the same model again uploads nothing, a different model under a published version is refused.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ModelPublishTests(Azurite azurite) : IDisposable
{
    private readonly TempFolder models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task Publishing_a_version_again_with_the_same_model_uploads_nothing_and_can_still_promote()
    {
        using var storage = new StorageFixture(azurite);
        var manifest = TestModels.Export(models.Sub("a"), seed: 31);
        await storage.Models.PublishAsync(models.Sub("a"), promote: false);
        var onnx = storage.Models.Container.GetBlobClient($"{ModelStore.Prefix}{manifest.Version}/{manifest.Onnx.File}");
        var before = (await onnx.GetPropertiesAsync()).Value.ETag;

        var again = await storage.Models.PublishAsync(models.Sub("a"), promote: true);

        Assert.Equal(manifest.Version, again.Version);
        Assert.Equal(before, (await onnx.GetPropertiesAsync()).Value.ETag);
        Assert.Equal(manifest.Version, (await storage.Models.GetPointerAsync())?.Version);
    }

    [Fact]
    public async Task Publishing_a_different_model_under_a_published_version_is_refused_and_changes_nothing()
    {
        using var storage = new StorageFixture(azurite);
        var a = TestModels.Export(models.Sub("a"), seed: 32);
        TestModels.Export(models.Sub("b"), seed: 33);
        var manifestB = Path.Combine(models.Sub("b"), ModelManifest.FileName);
        var json = JsonNode.Parse(File.ReadAllText(manifestB))!;
        json["version"] = a.Version;
        File.WriteAllText(manifestB, json.ToJsonString());
        await storage.Models.PublishAsync(models.Sub("a"), promote: true);
        var onnx = storage.Models.Container.GetBlobClient($"{ModelStore.Prefix}{a.Version}/{a.Onnx.File}");
        var before = (await onnx.GetPropertiesAsync()).Value.ETag;

        var error = await Assert.ThrowsAsync<FerException>(() => storage.Models.PublishAsync(models.Sub("b"), promote: true));

        Assert.Contains($"'{a.Version}' is already published", error.Message, StringComparison.Ordinal);
        Assert.Contains("give the model a new version", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, (await onnx.GetPropertiesAsync()).Value.ETag);
        Assert.Equal(a.Version, (await storage.Models.GetPointerAsync())?.Version);
    }

    [Fact]
    public async Task A_version_without_its_manifest_is_uploaded_again()
    {
        using var storage = new StorageFixture(azurite);
        var manifest = TestModels.Export(models.Sub("a"), seed: 34);
        await storage.Models.Container.GetBlobClient($"{ModelStore.Prefix}{manifest.Version}/{manifest.Onnx.File}")
            .UploadAsync(BinaryData.FromString("half an upload"), overwrite: true);

        await storage.Models.PublishAsync(models.Sub("a"), promote: true);

        var downloaded = await storage.Models.DownloadAsync(manifest.Version, models.Sub("cache"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(models.Sub("a"), manifest.Onnx.File)), File.ReadAllBytes(Path.Combine(downloaded, manifest.Onnx.File)));
    }
}
