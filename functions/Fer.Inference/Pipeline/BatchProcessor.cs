using Azure.Storage.Blobs;
using Fer.Inference.Classification;
using Fer.Inference.Storage;
using Microsoft.Extensions.Options;

namespace Fer.Inference.Pipeline;

/// <summary>Counts of one pass over a batch.</summary>
public sealed record BatchRunResult(int Blobs, int UpToDate, int Classified, int Rejected, int Failed, TimeSpan Elapsed)
{
    public double ImagesPerSecond => (Classified + Rejected) / Math.Max(1e-9, Elapsed.TotalSeconds);
}

/// <summary>
/// The batch mode of the pipeline: every blob of a batch that has no up-to-date row (same ETag, current
/// model) is classified through the batch API. Used by <c>fer process</c> and by re-classification.
/// </summary>
public sealed class BatchProcessor(BlobContainerClient faces, ModelProvider models, ResultsStore results, ClassificationPipeline pipeline, IOptions<FerOptions> options)
{
    private readonly FerOptions settings = (options ?? throw new ArgumentNullException(nameof(options))).Value;

    public async Task<BatchRunResult> ProcessAsync(string batch, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var model = await models.GetAsync(cancellationToken).ConfigureAwait(false);
        var done = new Dictionary<string, EmotionRow>(StringComparer.Ordinal);
        await foreach (var row in results.AllAsync(batch, cancellationToken).ConfigureAwait(false))
        {
            done[row.BlobName] = row;
        }

        // The listing already gives every blob's ETag and size, and the rows were read above: hand both to the pipeline.
        var todo = new List<InspectedBlob?>();
        var (total, upToDate) = (0, 0);
        await foreach (var item in faces.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, batch == settings.DefaultBatch ? null : batch + "/", cancellationToken).ConfigureAwait(false))
        {
            var name = FaceBlobName.Parse(item.Name, settings.DefaultBatch);
            if (name.Batch != batch)
            {
                continue;
            }

            total++;
            var etag = FaceBlobName.NormalizeETag(item.Properties.ETag);
            var row = done.GetValueOrDefault(item.Name);
            if (row is not null && row.BlobETag == etag && row.ModelVersion == model.Version && row.Status != ClassificationStatus.Failed)
            {
                upToDate++;
                continue;
            }

            todo.Add(new InspectedBlob(faces.GetBlobClient(item.Name), name, etag, item.Properties.ContentLength ?? 0, row));
        }

        // Two chunks in flight: while one is being classified, the other's blobs and rows travel to and from storage.
        var (classified, rejected, failed, finished) = (0, 0, 0, 0);
        var step = Math.Max(1, settings.BatchSize) * 4;
        var chunks = todo.Chunk(step).ToList();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            var rows = await pipeline.ProcessInspectedAsync(model, chunk, ct).ConfigureAwait(false);
            Interlocked.Add(ref classified, rows.Count(r => r?.Status == ClassificationStatus.Classified));
            Interlocked.Add(ref rejected, rows.Count(r => r?.Status == ClassificationStatus.Rejected));
            Interlocked.Add(ref failed, rows.Count(r => r?.Status == ClassificationStatus.Failed));
            progress?.Report(Interlocked.Add(ref finished, chunk.Length));
        }).ConfigureAwait(false);

        return new BatchRunResult(total, upToDate, classified, rejected, failed, clock.Elapsed);
    }
}
