using System.Text.Json.Nodes;
using Fer.Inference.Models;
using Fer.Inference.Storage;
using Fer.Testing;

namespace Fer.Inference.Tests;

/// <summary>
/// A pointer or manifest in the models container names local paths (the cache folder, the ONNX file, a recursive
/// delete): hostile or mistaken values are refused with a clear error while the model already loaded keeps serving.
/// </summary>
[Collection(AzuriteTests.Name)]
public sealed class ModelStoreHardeningTests(Azurite azurite) : IDisposable
{
    private readonly TempFolder models = new();

    public void Dispose() => models.Dispose();

    [Theory]
    [InlineData("20261201T0147Z-9233729", true)]
    [InlineData("model.onnx", true)]
    [InlineData("v_1-b.2", true)]
    [InlineData("../../x", false)]
    [InlineData("..", false)]
    [InlineData("a..b", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("C:\\models\\x", false)]
    [InlineData("model.onnx/../../evil", false)]
    [InlineData(".hidden", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_plain_names_are_model_store_names(string? name, bool valid) =>
        Assert.Equal(valid, ModelStoreName.IsValid(name));

    [Fact]
    public void A_name_of_129_characters_is_too_long() =>
        Assert.False(ModelStoreName.IsValid(new string('a', 129)));

    [Theory]
    [InlineData("../../victim")]
    [InlineData("..")]
    [InlineData("/tmp/victim")]
    [InlineData("fer/../victim")]
    public async Task A_pointer_naming_a_path_is_refused_and_deletes_nothing(string version)
    {
        using var storage = new StorageFixture(azurite);
        var serving = await PublishServingModelAsync(storage);
        var victim = Path.GetFullPath(Path.Combine(storage.Options.ModelCacheDirectory!, version));
        var sentinel = Path.Combine(victim, $"keep-{Guid.NewGuid():N}.txt");
        var createdVictim = !Directory.Exists(victim);
        Directory.CreateDirectory(victim);
        await File.WriteAllTextAsync(sentinel, "not the model cache's");
        try
        {
            await storage.Models.Container.GetBlobClient(ModelStore.PointerBlob)
                .UploadAsync(BinaryData.FromString($$"""{"version": {{System.Text.Json.JsonSerializer.Serialize(version)}}}"""), overwrite: true);

            await storage.Provider.RefreshAsync();

            Assert.Equal(serving, await ServedVersionAsync(storage));
            Assert.Contains("is not a version name", storage.Provider.Health.LastError, StringComparison.Ordinal);
            Assert.True(File.Exists(sentinel), $"{sentinel} was deleted");
        }
        finally
        {
            // ".." and "/tmp/victim" resolve outside the test's folders: remove only what this test made.
            File.Delete(sentinel);
            if (createdVictim)
            {
                Directory.Delete(victim);
            }
        }
    }

    [Fact]
    public async Task A_version_name_that_is_a_path_cannot_be_promoted()
    {
        using var storage = new StorageFixture(azurite);

        var error = await Assert.ThrowsAsync<FerException>(() => storage.Models.PromoteAsync("../../x"));

        Assert.Contains("is not a model version name", error.Message, StringComparison.Ordinal);
        Assert.False(await storage.Models.Container.GetBlobClient(ModelStore.PointerBlob).ExistsAsync());
    }

    public static TheoryData<string, string> BadManifests => new()
    {
        { """{"onnx": {"file": "../../evil.onnx"}}""", "onnx.file '../../evil.onnx' is not a file name" },
        { """{"onnx": {"file": "/tmp/evil.onnx"}}""", "onnx.file '/tmp/evil.onnx' is not a file name" },
        { """{"onnx": {"file": "model.onnx/../../evil"}}""", "onnx.file 'model.onnx/../../evil' is not a file name" },
        { """{"version": "20200101T0000Z-0000000"}""", "version is '20200101T0000Z-0000000' but it is published as 'bad-version'" },
        { """{"version": "../bad-version"}""", "version '../bad-version' is not a safe name" },
        { """{"labels": ["Surprise", "Fear", "Disgust", "Happiness", "Sadness", "Anger", "Anger"]}""", "labels repeat a name" },
        { """{"output": {"name": "scores"}}""", "the model's output is named 'logits' but the manifest says 'scores'" },
        { """{"input": {"name": "pixels"}}""", "the model's input is named 'input' but the manifest says 'pixels'" },
        { """{"input": {"size": 64}}""", "but the manifest says [N,3,64,64]" },
        { """{"labels": ["Surprise", "Fear", "Disgust", "Happiness", "Sadness", "Anger"]}""", "the manifest's 6 labels need [N,6]" },
    };

    [Theory]
    [MemberData(nameof(BadManifests))]
    public async Task A_promoted_manifest_with_a_bad_value_is_refused_while_the_old_model_keeps_serving(string change, string expectedError)
    {
        using var storage = new StorageFixture(azurite);
        var serving = await PublishServingModelAsync(storage);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(models.Sub("a"), ModelManifest.FileName)))!.AsObject();
        manifest["version"] = "bad-version"; // where it is published, so that each case shows only its own problem
        Merge(manifest, JsonNode.Parse(change)!.AsObject());
        var prefix = $"{ModelStore.Prefix}bad-version/";
        await storage.Models.Container.GetBlobClient(prefix + "model.onnx").UploadAsync(Path.Combine(models.Sub("a"), "model.onnx"), overwrite: true);
        await storage.Models.Container.GetBlobClient(prefix + ModelManifest.FileName).UploadAsync(BinaryData.FromString(manifest.ToJsonString()), overwrite: true);
        await storage.Models.PromoteAsync("bad-version");

        await storage.Provider.RefreshAsync();

        Assert.Equal(serving, await ServedVersionAsync(storage));
        Assert.Contains(expectedError, storage.Provider.Health.LastError, StringComparison.Ordinal);
        var cache = storage.Options.ModelCacheDirectory!;
        Assert.False(File.Exists(Path.Combine(cache, "..", "evil.onnx")), "a file was written outside the model cache");
        Assert.False(File.Exists("/tmp/evil.onnx"), "a file was written outside the model cache");
        Assert.DoesNotContain(Directory.EnumerateDirectories(cache), d => d.Contains(".partial-", StringComparison.Ordinal)); // refused downloads are cleaned up
    }

    /// <summary>Exports, publishes and loads a good model; returns its version.</summary>
    private async Task<string> PublishServingModelAsync(StorageFixture storage)
    {
        var manifest = TestModels.Export(models.Sub("a"), seed: 11);
        await storage.Models.PublishAsync(models.Sub("a"), promote: true);
        Assert.Equal(manifest.Version, await ServedVersionAsync(storage));
        return manifest.Version;
    }

    /// <summary>The version a new lease gets.</summary>
    private static async Task<string> ServedVersionAsync(StorageFixture storage)
    {
        using var lease = await storage.Provider.AcquireAsync();
        return lease.Model.Version;
    }

    /// <summary>Sets each property of <paramref name="change"/> in <paramref name="target"/>, recursing into objects.</summary>
    private static void Merge(JsonObject target, JsonObject change)
    {
        foreach (var (key, value) in change.ToList())
        {
            if (value is JsonObject inner && target[key] is JsonObject existing)
            {
                Merge(existing, inner);
            }
            else
            {
                change.Remove(key);
                target[key] = value;
            }
        }
    }
}
