using Azure.Storage.Blobs;
using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace Fer.Inference.Reclassification;

/// <summary>
/// Does one chunk of a run: its blobs through the pipeline (blobs already up to date are skipped, deleted ones give
/// no row), then its counts into the run. A missing model or a storage fault throws, so the queue delivers the
/// chunk again.
/// </summary>
public sealed class ReclassifyWorker([FromKeyedServices(InferenceServiceRegistration.FacesContainerKey)] BlobContainerClient faces, ClassificationPipeline pipeline, ReclassifyRuns runs)
{
    public async Task HandleAsync(string message, CancellationToken cancellationToken = default)
    {
        var chunk = ReclassifyMessages.Parse(message);
        var rows = await pipeline.ProcessBatchAsync([.. chunk.Blobs.Select(faces.GetBlobClient)], cancellationToken).ConfigureAwait(false);
        var all = rows.Where(r => r is not null).SelectMany(r => r!).ToList();
        await runs.RecordChunkAsync(chunk,
            all.Count(r => r.Status == ClassificationStatus.Classified),
            all.Count(r => r.Status == ClassificationStatus.Rejected),
            all.Count(r => r.Status == ClassificationStatus.Failed), cancellationToken).ConfigureAwait(false);
    }
}
