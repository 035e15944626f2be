using System.Net;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Fer.Api;
using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Fer.Inference.Preprocessing;
using Fer.Inference.Reclassification;
using Fer.Inference.Storage;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary>
/// What outlives a fault: rows of a batch whose blobs are all gone, a re-classification run whose chunk keeps failing,
/// a root blob beside its namesake in <c>default/</c>, and the text of an internal failure (which stays in the log).
/// </summary>
[Collection(AzuriteTests.Name)]
public sealed class InFlightAndFailureTests(Azurite azurite) : IDisposable
{
    private readonly string models = Path.Combine(Path.GetTempPath(), "fer-inflight-models-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(models))
        {
            Directory.Delete(models, recursive: true);
        }
    }

    [Fact]
    public async Task The_reconciler_deletes_the_rows_of_a_batch_that_has_no_blob_left()
    {
        using var host = new FunctionHost(azurite);
        await PromoteAsync(host, seed: 61);
        await host.UploadAsync("alive/a.png", TestImages.Png(20, 20, SKColors.Blue));
        var results = host.Get<ResultsStore>();
        await results.UpsertManyAsync([Row("emptied", "a.png"), Row("emptied", "b.png"), Row("alive", "gone.png")]);

        var run = await host.Get<Reconciler>().RunAsync();
        var again = await host.Get<Reconciler>().RunAsync();

        Assert.Equal((3, 0), (run.OrphanRowsDeleted, again.OrphanRowsDeleted));
        Assert.Empty((await results.QueryAsync("emptied", null, null, 100, null)).Rows);
        Assert.Equal(["alive/a.png"], (await results.QueryAsync("alive", null, null, 100, null)).Rows.Select(r => r.BlobName));
    }

    [Fact]
    public async Task A_root_blob_and_its_namesake_in_default_are_reclassified_together_into_two_rows()
    {
        using var host = new FunctionHost(azurite);
        await PromoteAsync(host, seed: 62);
        await host.UploadAsync("x.png", TestImages.Png(20, 20, SKColors.Red));
        await host.UploadAsync("default/x.png", TestImages.Png(24, 24, SKColors.Green));
        var api = host.Get<ReclassifyApi>();

        var started = Assert.IsType<ReclassifyStatus>((await api.StartAsync("default", CancellationToken.None)).Body());
        await DrainAsync(host, started.RunId);
        var done = Assert.IsType<ReclassifyStatus>((await api.StatusAsync("default", CancellationToken.None)).Body());

        Assert.Equal(("done", 2, 2), (done.State, done.Processed, done.Classified));
        var rows = (await host.Get<ResultsStore>().QueryAsync("default", null, null, 100, null)).Rows;
        Assert.Equal(["default/x.png", "x.png"], rows.Select(r => r.BlobName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_chunk_that_fails_on_its_last_delivery_ends_its_run_instead_of_leaving_it_running()
    {
        using var host = new FunctionHost(azurite);
        var version = await PromoteAsync(host, seed: 63);
        var runs = host.Get<ReclassifyRuns>();

        // A name no blob can have fails the chunk on every delivery.
        var chunk = new ReclassifyChunk("stuck", "run-1", ["stuck/a.png", ""]);
        Assert.NotNull(await runs.TryStartAsync("stuck", null, version, [chunk], "run-1"));
        var function = host.Create<ReclassifyChunkFunction>();
        var text = ReclassifyMessages.Serialize(chunk);

        await Assert.ThrowsAnyAsync<Exception>(() => function.Run(QueuesModelFactory.QueueMessage("m", "p", text, dequeueCount: 1), CancellationToken.None));
        var afterFirst = await runs.GetAsync("stuck");
        await Assert.ThrowsAnyAsync<Exception>(() => function.Run(QueuesModelFactory.QueueMessage("m", "p", text, dequeueCount: ReclassifyWorker.MaxDequeueCount), CancellationToken.None));
        var afterLast = await runs.GetAsync("stuck");

        Assert.Equal((ReclassifyRun.Running, 0), (afterFirst!.State, afterFirst.ChunksDone)); // the queue delivers it again
        Assert.Equal((ReclassifyRun.Done, 1, 2, 2), (afterLast!.State, afterLast.ChunksDone, afterLast.Processed, afterLast.Failed));
        Assert.False(runs.IsActive(afterLast)); // a new run may start at once: no 409 for 30 minutes
    }

    [Fact]
    public void A_failed_items_error_is_its_codes_fixed_sentence_not_the_exception_text()
    {
        var failed = ClassificationResult.Failed(ImageErrorCodes.ProcessingFailed, "The image could not be processed (IndexOutOfRangeException: Index was outside the bounds of the array.).", "v1");
        var row = new EmotionRow { Status = ClassificationStatus.Failed, ErrorCode = FailureMessages.ModelUnavailable, Error = "No model can be served: no model is promoted (fer/current.json does not exist in container 'models').", BlobName = "b/x.png" };

        var item = FaceItem.From(failed);
        var stored = ResultItem.From(row);

        Assert.Equal(FailureMessages.For(ImageErrorCodes.ProcessingFailed), item.Error);
        Assert.Equal(FailureMessages.For(FailureMessages.ModelUnavailable), stored.Error);
        Assert.DoesNotContain("Exception", item.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("container", stored.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_without_a_model_answers_503_with_a_sentence_that_names_no_storage()
    {
        using var host = new FunctionHost(azurite);
        var body = new MemoryStream(TestImages.Png(20, 20, SKColors.Gray));

        var request = TestHttp.Request(host.Get<IServiceProvider>(), "POST", "classify", body, body.Length, "image/png");

        var answer = await (await host.Get<ClassifyApi>().ClassifyAsync(request)).AnswerAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        var error = System.Text.Encoding.UTF8.GetString(answer.Content);
        Assert.DoesNotContain(ModelStore.PointerBlob, error, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Get<ModelStore>().Container.Name, error, StringComparison.Ordinal);
    }

    private static EmotionRow Row(string batch, string path) => new()
    {
        PartitionKey = TableKeys.Encode(batch),
        RowKey = TableKeys.FaceKey(path, 0),
        BlobName = FaceBlobName.Compose(batch, path),
        Status = ClassificationStatus.Classified,
        FaceIndex = 0,
        ProcessedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>Hands the queue's messages of <paramref name="runId"/> to the queue-triggered function as the host would; deletes every message.</summary>
    private static async Task DrainAsync(FunctionHost host, string runId)
    {
        var queue = host.Get<ReclassifyMessages>().Client;
        var function = host.Create<ReclassifyChunkFunction>();
        while ((await queue.ReceiveMessagesAsync(maxMessages: 32)).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                if (IsOfRun(message.MessageText, runId))
                {
                    await function.Run(message, CancellationToken.None);
                }

                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    private static bool IsOfRun(string message, string runId)
    {
        try
        {
            return ReclassifyMessages.Parse(message).RunId == runId;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            return false; // another test's message
        }
    }

    private async Task<string> PromoteAsync(FunctionHost host, long seed)
    {
        var directory = Path.Combine(models, seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var manifest = TestModels.Export(directory, seed);
        await host.Get<ModelStore>().PublishAsync(directory, promote: true);
        return manifest.Version;
    }
}
