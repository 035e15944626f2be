using Fer.Inference.Classification;
using Fer.Inference.Storage;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>
/// A blob at the container's root and <c>default/</c> + the same name are two blobs of the default batch with the same
/// path: their rows must not share keys (they overwrote each other, and together failed a whole table transaction).
/// </summary>
[Collection(AzuriteTests.Name)]
public sealed class RootBlobKeysTests(Azurite azurite) : IDisposable
{
    private readonly TempFolder models = new();

    public void Dispose() => models.Dispose();

    [Theory]
    [InlineData("x.png")]
    [InlineData("tilde~and%percent.png")]
    public void A_root_blob_and_its_namesake_in_the_default_folder_have_distinct_legal_keys(string name)
    {
        var root = FaceBlobName.Parse(name, "default");
        var folder = FaceBlobName.Parse("default/" + name, "default");

        Assert.Equal((root.Batch, root.PathInBatch), (folder.Batch, folder.PathInBatch)); // the premise
        Assert.NotEqual(TableKeys.BlobKey(root), TableKeys.BlobKey(folder));
        Assert.NotEqual(TableKeys.FaceKey(root, 0), TableKeys.FaceKey(folder, 0));
        Assert.True(TableKeys.IsKeyOf(root, TableKeys.FaceKey(root, 3)));
        Assert.False(TableKeys.IsKeyOf(root, TableKeys.FaceKey(folder, 3)));
        Assert.False(TableKeys.IsKeyOf(folder, TableKeys.FaceKey(root, 3)));
        Assert.DoesNotContain(TableKeys.BlobKey(root), c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
    }

    [Fact]
    public void Long_root_names_hash_apart_from_the_same_path_in_a_folder()
    {
        var name = new string('n', 600) + ".png";
        var root = TableKeys.BlobKey(FaceBlobName.Parse(name, "default"));
        var folder = TableKeys.BlobKey(FaceBlobName.Parse("default/" + name, "default"));

        Assert.NotEqual(root, folder);
        Assert.All(new[] { root, folder }, key => Assert.Equal(65, key.Length));
    }

    [Fact]
    public async Task Processed_together_and_one_at_a_time_each_keeps_its_own_rows()
    {
        using var storage = await StorageWithModelAsync();
        var root = await storage.UploadAsync("x.png", TestImages.Png(20, 20, SKColors.Red));
        var folder = await storage.UploadAsync("default/x.png", TestImages.Png(30, 30, SKColors.Blue));

        var together = await storage.Pipeline.ProcessBatchAsync([root, folder]);
        var afterTogether = await storage.AllRowsAsync("default");
        await storage.UploadAsync("x.png", TestImages.Png(22, 22, SKColors.Green));
        await storage.UploadAsync("default/x.png", TestImages.Png(32, 32, SKColors.Yellow));
        await storage.Pipeline.ProcessAsync(root);
        await storage.Pipeline.ProcessAsync(folder);
        var afterOneByOne = await storage.AllRowsAsync("default");

        Assert.Equal(["x.png", "default/x.png"], together.Select(rows => Assert.Single(rows!).BlobName));
        Assert.Equal(["default/x.png", "x.png"], afterTogether.Select(r => r.BlobName).Order(StringComparer.Ordinal));
        Assert.Equal([("default/x.png", 32), ("x.png", 22)], afterOneByOne.Select(r => (r.BlobName, r.Width!.Value)).Order());
        Assert.Equal(["x.png~0000", "~rx.png~0000"], afterOneByOne.Select(r => r.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_root_blobs_rows_under_the_keys_it_used_to_share_move_to_its_own_at_the_next_pass()
    {
        using var storage = await StorageWithModelAsync();
        var root = await storage.UploadAsync("x.png", TestImages.Png(20, 20, SKColors.Red));
        var current = Assert.Single((await storage.Pipeline.ProcessAsync(root))!);

        // As an earlier Fer wrote it: the key of default/x.png, otherwise up to date.
        await storage.Results.DeleteAsync([current]);
        current.RowKey = TableKeys.FaceKey("x.png", 0);
        current.ETag = default;
        await storage.Results.UpsertAsync(current);

        var run = await storage.Components.Processor.ProcessAsync("default");

        Assert.Equal((1, 0, 1), (run.Blobs, run.UpToDate, run.Classified));
        var moved = Assert.Single(await storage.AllRowsAsync("default"));
        Assert.Equal(("~rx.png~0000", "x.png", ClassificationStatus.Classified), (moved.RowKey, moved.BlobName, moved.Status));
    }

    private async Task<StorageFixture> StorageWithModelAsync()
    {
        var storage = new StorageFixture(azurite);
        TestModels.Export(models.Sub("m"), seed: 52);
        await storage.Models.PublishAsync(models.Sub("m"), promote: true);
        return storage;
    }
}
