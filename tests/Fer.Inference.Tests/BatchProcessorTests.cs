using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Fer.Inference.Preprocessing;
using Fer.Inference.Storage;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

[Collection(AzuriteTests.Name)]
public sealed class BatchProcessorTests(Azurite azurite) : IDisposable
{
    private readonly TempFolder models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task A_mixed_batch_streams_through_to_one_row_per_blob_and_a_second_pass_finds_it_done()
    {
        using var storage = new StorageFixture(azurite);
        storage.Options.MaxImageBytes = 40_000;
        TestModels.Export(models.Sub("a"), seed: 4);
        await storage.Models.PublishAsync(models.Sub("a"), promote: true);
        for (var i = 0; i < 37; i++)
        {
            await storage.UploadAsync($"mixed/face-{i:D2}.png", TestImages.Png(20 + i, 30, new SKColor((byte)(i * 6), 80, 40)));
        }

        await storage.UploadAsync("mixed/broken.jpg", "not an image"u8.ToArray());
        await storage.UploadAsync("mixed/large.jpg", TestImages.NoisyJpeg(400, 400));
        await storage.UploadAsync("other/face.png", TestImages.Png(20, 20, SKColors.Gray));
        var reported = new List<int>();

        var first = await storage.Components.Processor.ProcessAsync("mixed", new SynchronousProgress(reported.Add));
        var second = await storage.Components.Processor.ProcessAsync("mixed");

        Assert.Equal((39, 0, 37, 2, 0), (first.Blobs, first.UpToDate, first.Classified, first.Rejected, first.Failed));
        Assert.Equal((39, 39, 0, 0), (second.Blobs, second.UpToDate, second.Classified, second.Rejected));
        Assert.Equal(39, reported.Last());
        Assert.True(reported.SequenceEqual(reported.Order()), "progress only goes forward");

        var rows = await storage.AllRowsAsync("mixed");
        Assert.Equal(39, rows.Select(r => r.RowKey).Distinct().Count());
        Assert.Equal(ImageErrorCodes.NotAnImage, rows.Single(r => r.BlobName == "mixed/broken.jpg").ErrorCode);
        Assert.Equal(ImageErrorCodes.TooLarge, rows.Single(r => r.BlobName == "mixed/large.jpg").ErrorCode);
        Assert.All(rows.Where(r => r.BlobName.Contains("face", StringComparison.Ordinal)), r => Assert.Equal(ClassificationStatus.Classified, r.Status));
    }

    [Fact]
    public async Task A_blob_deleted_after_it_was_listed_gets_no_row_and_the_others_go_on()
    {
        using var storage = new StorageFixture(azurite);
        TestModels.Export(models.Sub("a"), seed: 5);
        await storage.Models.PublishAsync(models.Sub("a"), promote: true);
        var kept = await storage.UploadAsync("gone/kept.png", TestImages.Png(20, 20, SKColors.Gray));
        var deleted = await storage.UploadAsync("gone/deleted.png", TestImages.Png(20, 20, SKColors.Gray));
        var listed = new[] { kept, deleted }.Select(b => new InspectedBlob(b, FaceBlobName.Parse(b.Name, "default"), "\"0x1\"", 100, [])).ToList();
        await deleted.DeleteAsync();

        IReadOnlyList<IReadOnlyList<EmotionRow>?> rows;
        using (var lease = await storage.Provider.AcquireAsync())
        {
            rows = await storage.Pipeline.ProcessInspectedAsync(lease.Model, listed);
        }

        Assert.Equal(ClassificationStatus.Classified, Assert.Single(rows[0]!).Status);
        Assert.Null(rows[1]);
        Assert.Equal("gone/kept.png", Assert.Single(await storage.AllRowsAsync("gone")).BlobName);
    }

    [Fact]
    public async Task When_one_stage_fails_the_others_stop_and_its_error_is_the_one_thrown()
    {
        var waiterStopped = false;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PipelineStages.RunAsync(
            CancellationToken.None,
            async ct =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    waiterStopped = true;
                    throw;
                }
            },
            async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("storage went away");
            }));

        Assert.Equal("storage went away", error.Message);
        Assert.True(waiterStopped);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this records reports in the order they are made.</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
