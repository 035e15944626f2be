using System.Text.Json;
using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.Azure.Functions.Worker;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary>Nothing lost: blobs the trigger never saw, a blob that poisoned, rows of deleted blobs and rows past retention.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ReconcilerTests(Azurite azurite) : IDisposable
{
    private readonly string models = Path.Combine(Path.GetTempPath(), "fer-reconcile-models-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(models))
        {
            Directory.Delete(models, recursive: true);
        }
    }

    [Fact]
    public async Task Blobs_uploaded_without_the_trigger_get_complete_rows_and_a_second_run_does_nothing()
    {
        using var host = new FunctionHost(azurite);
        var version = await PromoteAsync(host, seed: 11);
        var names = new[] { "trip/a.png", "trip/sub/b.png", "party/c.png", "root.png" };
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            await host.UploadAsync(name, TestImages.Png(24, 24, new SKColor((byte)(40 * i), 90, 0)));
        }

        var function = host.Create<ReconcileFunction>();
        await function.Run(new TimerInfo(), CancellationToken.None);
        var first = await AllRowsAsync(host);
        var second = await host.Get<Reconciler>().RunAsync();
        var after = await AllRowsAsync(host);

        Assert.Equal(names.Order(), first.Select(r => r.BlobName).Order());
        foreach (var row in first)
        {
            var etag = FaceBlobName.NormalizeETag((await host.Faces.GetBlobClient(row.BlobName).GetPropertiesAsync()).Value.ETag);
            Assert.Equal((ClassificationStatus.Classified, version, etag), (row.Status, row.ModelVersion, row.BlobETag));
        }

        Assert.Equal((3, 0, 0, 0), (second.Batches, second.Stale, second.Processed, second.OrphanRowsDeleted));
        Assert.Equal(first.Select(r => (r.BlobName, r.ProcessedAt)), after.Select(r => (r.BlobName, r.ProcessedAt)));
    }

    [Fact]
    public async Task A_run_classifies_at_most_the_setting_and_the_next_runs_finish_the_rest()
    {
        using var host = new FunctionHost(azurite, settings: new Dictionary<string, string?> { ["Fer:ReconcileMaxBlobs"] = "2" });
        await PromoteAsync(host, seed: 12);
        for (var i = 0; i < 5; i++)
        {
            await host.UploadAsync($"many/{i}.png", TestImages.Png(20, 20, new SKColor((byte)(30 * i), 0, 0)));
        }

        var reconciler = host.Get<Reconciler>();
        var runs = new List<ReconcileResult>();
        for (var i = 0; i < 4; i++)
        {
            runs.Add(await reconciler.RunAsync());
        }

        Assert.Equal([5, 3, 1, 0], runs.Select(r => r.Stale));
        Assert.Equal([2, 2, 1, 0], runs.Select(r => r.Processed));
        Assert.Equal(5, (await AllRowsAsync(host)).Count);
    }

    [Fact]
    public async Task A_poisoned_blob_gets_a_failed_row_that_the_reconciler_then_replaces()
    {
        using var host = new FunctionHost(azurite);
        await PromoteAsync(host, seed: 13);
        var blob = await host.UploadAsync("bad/p.png", TestImages.Png(20, 20, SKColors.Red));
        var etag = (await blob.GetPropertiesAsync()).Value.ETag.ToString();
        var message = JsonSerializer.Serialize(new { Type = "BlobTrigger", FunctionId = "Host.Functions.ClassifyFace", BlobType = "BlockBlob", ContainerName = host.Faces.Name, BlobName = blob.Name, ETag = etag });
        var elsewhere = JsonSerializer.Serialize(new { Type = "BlobTrigger", ContainerName = "another", BlobName = "bad/q.png", ETag = etag });

        await host.Create<PoisonedBlobFunction>().Run(message, CancellationToken.None);
        await host.Create<PoisonedBlobFunction>().Run(elsewhere, CancellationToken.None);
        var failed = Assert.Single(await AllRowsAsync(host));
        await host.Get<Reconciler>().RunAsync();
        var fixedRow = Assert.Single(await AllRowsAsync(host));

        Assert.Equal((ClassificationStatus.Failed, PoisonedBlobFunction.ErrorCode, etag.Trim('"'), blob.Name), (failed.Status, failed.ErrorCode, failed.BlobETag, failed.BlobName));
        Assert.Equal(ClassificationStatus.Classified, fixedRow.Status);
    }

    [Fact]
    public async Task Rows_of_deleted_blobs_and_rows_past_retention_are_deleted()
    {
        using var host = new FunctionHost(azurite, settings: new Dictionary<string, string?> { ["Fer:FaceRetentionDays"] = "7" });
        await PromoteAsync(host, seed: 14);
        var kept = await host.UploadAsync("keep/k.png", TestImages.Png(20, 20, SKColors.Blue));
        var gone = await host.UploadAsync("keep/gone.png", TestImages.Png(20, 20, SKColors.Green));
        await host.Get<Reconciler>().RunAsync();
        await gone.DeleteAsync();
        var results = host.Get<ResultsStore>();
        await results.UpsertAsync(OldRow("expired", "x.png", TimeSpan.FromDays(8)));
        await results.UpsertAsync(OldRow("recent", "y.png", TimeSpan.FromDays(6)));
        await host.UploadAsync("recent/y.png", TestImages.Png(20, 20, SKColors.Red)); // else its row is an orphan, which goes too

        var run = await host.Get<Reconciler>().RunAsync();

        Assert.Equal((1, 1), (run.OrphanRowsDeleted, run.ExpiredRowsDeleted));
        Assert.Equal([kept.Name, "recent/y.png"], (await AllRowsAsync(host)).Select(r => r.BlobName).Order(StringComparer.Ordinal));
    }

    private static EmotionRow OldRow(string batch, string path, TimeSpan age) => new()
    {
        PartitionKey = TableKeys.Encode(batch),
        RowKey = TableKeys.Encode(path),
        BlobName = FaceBlobName.Compose(batch, path),
        Status = ClassificationStatus.Rejected,
        ErrorCode = "no-face",
        ProcessedAt = DateTimeOffset.UtcNow - age,
    };

    private async Task<string> PromoteAsync(FunctionHost host, long seed)
    {
        var directory = Path.Combine(models, seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var manifest = TestModels.Export(directory, seed);
        await host.Get<ModelStore>().PublishAsync(directory, promote: true);
        return manifest.Version;
    }

    private static async Task<List<EmotionRow>> AllRowsAsync(FunctionHost host)
    {
        var rows = new List<EmotionRow>();
        await foreach (var row in host.Get<ResultsStore>().Table.QueryAsync<EmotionRow>())
        {
            rows.Add(row);
        }

        return [.. rows.OrderBy(r => r.BlobName, StringComparer.Ordinal)];
    }
}
