using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Fer.Inference.Reclassification;
using Fer.Inference.Storage;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>
/// A batch deleted while its images are being classified stays deleted: each writer checks its blob after writing its
/// rows. The delete is put exactly between a blob's download and the write of its rows (a hook in the storage client),
/// where `DELETE /api/batches/X` right after `classify?batch=X` lands on a photo of many faces.
/// </summary>
[Collection(AzuriteTests.Name)]
public sealed class DeleteWhileWritingTests(Azurite azurite) : IDisposable
{
    private readonly TempFolder models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task A_batch_deleted_between_a_blobs_download_and_its_rows_keeps_no_rows()
    {
        using var storage = await StorageWithModelAsync();
        await storage.UploadAsync("gone/a.png", TestImages.Png(24, 24, SKColors.Coral));
        var faces = StoragePolicies.AfterFirstDownload(azurite.ConnectionString, storage.Options.FacesContainer, () => storage.Components.Deleter.DeleteAsync("gone"));

        var rows = await storage.Pipeline.ProcessAsync(faces.GetBlobClient("gone/a.png"));

        Assert.Null(rows); // the blob is gone, so it has no rows
        Assert.Empty(await storage.AllRowsAsync("gone"));
    }

    [Fact]
    public async Task A_batch_deleted_while_the_batch_mode_classifies_it_keeps_no_rows()
    {
        using var storage = await StorageWithModelAsync();
        var names = new[] { "gone/a.png", "gone/b.png", "gone/c.png" };
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            await storage.UploadAsync(name, TestImages.Png(24, 24, new SKColor((byte)(60 * i), 20, 20)));
        }

        var faces = StoragePolicies.AfterFirstDownload(azurite.ConnectionString, storage.Options.FacesContainer, () => storage.Components.Deleter.DeleteAsync("gone"));
        var listed = new List<InspectedBlob>();
        foreach (var name in names)
        {
            var properties = (await faces.GetBlobClient(name).GetPropertiesAsync()).Value;
            listed.Add(new InspectedBlob(faces.GetBlobClient(name), FaceBlobName.Parse(name, storage.Options.DefaultBatch), FaceBlobName.NormalizeETag(properties.ETag), properties.ContentLength, []));
        }

        var run = await storage.Components.Processor.ProcessStaleAsync(listed);

        Assert.Empty(await storage.AllRowsAsync("gone"));
        Assert.Equal(0, run.Classified);
    }

    [Fact]
    public async Task A_batch_deleted_during_a_reclassification_chunk_keeps_no_rows()
    {
        using var storage = await StorageWithModelAsync();
        var names = Enumerable.Range(0, 6).Select(i => $"rerun/{i}.png").ToList();
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            await storage.UploadAsync(name, TestImages.Png(20, 20, new SKColor(10, (byte)(40 * i), 10)));
        }

        var runs = new ReclassifyRuns(storage.Results, TimeProvider.System);
        var chunk = Assert.Single(ReclassifyChunk.Split("rerun", "run-1", names));
        Assert.NotNull(await runs.TryStartAsync("rerun", null, storage.Provider.Health.Version!, [chunk], "run-1"));
        var faces = StoragePolicies.AfterFirstDownload(azurite.ConnectionString, storage.Options.FacesContainer, () => storage.Components.Deleter.DeleteAsync("rerun"));
        var worker = new ReclassifyWorker(faces, storage.Pipeline, runs);

        await worker.HandleAsync(ReclassifyMessages.Serialize(chunk));

        Assert.Empty(await storage.AllRowsAsync("rerun"));
    }

    [Fact]
    public async Task Fer_process_deletes_the_rows_of_blobs_that_are_gone_even_when_the_batch_has_no_blob_left()
    {
        using var storage = await StorageWithModelAsync();
        await storage.UploadAsync("kept/k.png", TestImages.Png(20, 20, SKColors.Blue));
        await storage.Components.Processor.ProcessAsync("kept");
        await storage.Results.UpsertManyAsync([OrphanRow("kept", "was-here.png"), OrphanRow("empty", "a.png"), OrphanRow("empty", "b.png")]);

        var kept = await storage.Components.Processor.ProcessAsync("kept");
        var empty = await storage.Components.Processor.ProcessAsync("empty");

        Assert.Equal((1, 1, 0), (kept.Blobs, kept.OrphanRowsDeleted, kept.Classified));
        Assert.Equal((0, 2), (empty.Blobs, empty.OrphanRowsDeleted));
        Assert.Equal(["kept/k.png"], (await storage.AllRowsAsync("kept")).Select(r => r.BlobName));
        Assert.Empty(await storage.AllRowsAsync("empty"));
    }

    [Fact]
    public async Task An_orphan_row_rewritten_after_it_was_read_is_kept()
    {
        // The row's blob came back and was classified again between the scan and the delete: that row is current.
        using var storage = new StorageFixture(azurite);
        await storage.Results.UpsertAsync(OrphanRow("b", "x.png"));
        var read = Assert.Single(await storage.AllRowsAsync("b"));
        await storage.Results.UpsertAsync(OrphanRow("b", "x.png"));

        await storage.Results.DeleteAsync([read]);

        Assert.Single(await storage.AllRowsAsync("b"));
    }

    private static EmotionRow OrphanRow(string batch, string path) => new()
    {
        PartitionKey = TableKeys.Encode(batch),
        RowKey = TableKeys.FaceKey(path, 0),
        BlobName = FaceBlobName.Compose(batch, path),
        Status = ClassificationStatus.Classified,
        FaceIndex = 0,
        ProcessedAt = DateTimeOffset.UtcNow,
    };

    private async Task<StorageFixture> StorageWithModelAsync()
    {
        var storage = new StorageFixture(azurite);
        TestModels.Export(models.Sub("m"), seed: 51);
        await storage.Models.PublishAsync(models.Sub("m"), promote: true);
        using (await storage.Provider.AcquireAsync())
        {
            // loaded, so that Health names the version
        }

        return storage;
    }
}
