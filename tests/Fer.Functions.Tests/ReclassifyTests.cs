using System.Net;
using Fer.Api;
using Fer.Inference.Reclassification;
using Fer.Inference.Storage;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary>Re-classification as background work: 202 with a status URL, chunks on a queue done by the queue trigger, one run per batch at a time.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ReclassifyTests(Azurite azurite) : IDisposable
{
    private readonly string models = Path.Combine(Path.GetTempPath(), "fer-reclassify-models-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(models))
        {
            Directory.Delete(models, recursive: true);
        }
    }

    [Fact]
    public async Task A_run_is_queued_in_chunks_done_by_the_queue_trigger_and_its_progress_is_readable()
    {
        using var host = new FunctionHost(azurite);
        await PromoteAsync(host, "a", seed: 31);
        const int blobs = ReclassifyChunk.MaxBlobs + 5;
        for (var i = 0; i < blobs; i++)
        {
            await host.UploadAsync($"old/{i}.png", TestImages.Png(12, 12, new SKColor((byte)(i * 4), 0, 0)));
        }

        var api = host.Get<ReclassifyApi>();
        await DrainAsync(host, _ => true); // messages other tests left: this test reads the queue alone
        var first = await api.StartAsync("old", CancellationToken.None);
        var whileRunning = await api.StartAsync("old", CancellationToken.None);
        var queued = await StatusAsync(api, "old");
        var handled = await DrainAsync(host, message => ReclassifyMessages.Parse(message).Batch == "old");
        var done = await StatusAsync(api, "old");
        var second = await PromoteAsync(host, "b", seed: 32);
        var afterSwap = await api.StartAsync("old", CancellationToken.None);
        await DrainAsync(host, _ => true);
        var nothingLeft = await api.StartAsync("old", CancellationToken.None);

        Assert.Equal(HttpStatusCode.Accepted, first.Status());
        var started = Assert.IsType<ReclassifyStatus>(first.Body());
        Assert.Equal(("running", blobs, 2, "/api/batches/old/reclassify/status"), (started.State, started.Blobs, started.Chunks, started.StatusUrl));
        Assert.Equal((HttpStatusCode.Conflict, ApiErrorCodes.ReclassifyRunning), (whileRunning.Status(), Assert.IsType<ApiError>(whileRunning.Body()).Code));
        Assert.Equal((0, 0), (queued.ChunksDone, queued.Processed));
        Assert.Equal(2, handled);
        Assert.Equal(("done", 2, blobs, blobs, started.RunId), (done.State, done.ChunksDone, done.Processed, done.Classified, done.RunId));
        Assert.Equal((HttpStatusCode.Accepted, blobs), (afterSwap.Status(), Assert.IsType<ReclassifyStatus>(afterSwap.Body()).Blobs));
        var rows = await host.Get<ResultsStore>().QueryAsync("old", null, null, 1000, null);
        Assert.Equal(blobs, rows.Rows.Count);
        Assert.All(rows.Rows, r => Assert.Equal(second, r.ModelVersion));
        var idle = Assert.IsType<ReclassifyStatus>(nothingLeft.Body());
        Assert.Equal((HttpStatusCode.Accepted, "done", 0, 0), (nothingLeft.Status(), idle.State, idle.Blobs, idle.Chunks));
    }

    [Fact]
    public async Task Status_of_a_batch_never_reclassified_is_a_404_and_a_bad_name_a_400()
    {
        using var host = new FunctionHost(azurite);
        var api = host.Get<ReclassifyApi>();

        var missing = await api.StatusAsync("never", CancellationToken.None);
        var invalid = await api.StartAsync("..", CancellationToken.None);

        Assert.Equal((HttpStatusCode.NotFound, ApiErrorCodes.ReclassifyNotFound), (missing.Status(), Assert.IsType<ApiError>(missing.Body()).Code));
        Assert.Equal((HttpStatusCode.BadRequest, ApiErrorCodes.BatchInvalid), (invalid.Status(), Assert.IsType<ApiError>(invalid.Body()).Code));
    }

    private static async Task<ReclassifyStatus> StatusAsync(ReclassifyApi api, string batch) =>
        Assert.IsType<ReclassifyStatus>((await api.StatusAsync(batch, CancellationToken.None)).Body());

    /// <summary>Receives every message of the queue, hands the wanted ones to the queue-triggered function as the host would, deletes them all; returns how many were handled.</summary>
    private static async Task<int> DrainAsync(FunctionHost host, Func<string, bool> wanted)
    {
        var queue = host.Get<ReclassifyMessages>().Client;
        await queue.CreateIfNotExistsAsync();
        var function = host.Create<ReclassifyChunkFunction>();
        var handled = 0;
        while ((await queue.ReceiveMessagesAsync(maxMessages: 32)).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                if (wanted(message.MessageText))
                {
                    await function.Run(message, CancellationToken.None);
                    handled++;
                }

                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }

        return handled;
    }

    private async Task<string> PromoteAsync(FunctionHost host, string name, long seed)
    {
        var manifest = TestModels.Export(Path.Combine(models, name), seed);
        await host.Get<ModelStore>().PublishAsync(Path.Combine(models, name), promote: true);
        return manifest.Version;
    }
}
