using Azure.Storage.Blobs;
using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace Fer.Inference.Reclassification;

/// <summary>
/// Does one chunk of a run: its blobs through the pipeline (blobs already up to date are skipped, deleted ones give
/// no row), then its counts into the run. A missing model or a storage fault throws, so the queue delivers the
/// chunk again. The last try that fails still counts the chunk into its run, its blobs as failed, so that the run ends
/// instead of showing <c>running</c> until it is taken as abandoned.
/// </summary>
public sealed class ReclassifyWorker([FromKeyedServices(InferenceServiceRegistration.FacesContainerKey)] BlobContainerClient faces, ClassificationPipeline pipeline, ReclassifyRuns runs)
{
    /// <summary>Deliveries of a message before it is given up: host.json's <c>queues.maxDequeueCount</c>, and <c>fer serve</c>'s reader.</summary>
    public const int MaxDequeueCount = 5;

    public Task HandleAsync(string message, CancellationToken cancellationToken = default) => HandleAsync(message, 1, cancellationToken);

    /// <param name="dequeueCount">Which delivery of the message this is (1 = the first); at <see cref="MaxDequeueCount"/> a failure ends the chunk.</param>
    public async Task HandleAsync(string message, long dequeueCount, CancellationToken cancellationToken = default)
    {
        var chunk = ReclassifyMessages.Parse(message);
        List<Storage.EmotionRow> all;
        try
        {
            var rows = await pipeline.ProcessBatchAsync([.. chunk.Blobs.Select(faces.GetBlobClient)], cancellationToken).ConfigureAwait(false);
            all = [.. rows.Where(r => r is not null).SelectMany(r => r!)];
        }
        catch (Exception e) when (dequeueCount >= MaxDequeueCount && e is not OperationCanceledException)
        {
            await RecordGivenUpAsync(chunk, cancellationToken).ConfigureAwait(false);
            throw;
        }

        await runs.RecordChunkAsync(chunk,
            all.Count(r => r.Status == ClassificationStatus.Classified),
            all.Count(r => r.Status == ClassificationStatus.Rejected),
            all.Count(r => r.Status == ClassificationStatus.Failed), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The chunk is done as far as its run goes, every blob failed; the reconciler (or <c>fer process</c>) classifies them later.</summary>
    private async Task RecordGivenUpAsync(ReclassifyChunk chunk, CancellationToken cancellationToken)
    {
        try
        {
            await runs.RecordChunkAsync(chunk, 0, 0, chunk.Blobs.Count, cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException)
        {
            // The table is unreachable too: the run is taken as abandoned after ReclassifyRuns.AbandonedAfter, as before.
        }
    }
}
