using System.Threading.Channels;
using Azure.Storage.Blobs;
using Fer.Inference.Classification;
using Fer.Inference.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fer.Inference.Pipeline;

/// <summary>
/// The batch mode of the pipeline: every blob of a batch that has no up-to-date row (same ETag, current
/// model) is classified through the batch API, and the rows of blobs that no longer exist are deleted. Used by
/// <c>fer process</c> and by the reconciler.
/// </summary>
public sealed class BatchProcessor([FromKeyedServices(InferenceServiceRegistration.FacesContainerKey)] BlobContainerClient faces, ModelProvider models, ResultsStore results, ClassificationPipeline pipeline, IOptions<FerOptions> options)
{
    /// <summary>Batches downloaded ahead of the model: enough to hide a storage round trip, few enough to bound memory.</summary>
    private const int PrefetchedBatches = 2;

    private const int ConcurrentDownloadBatches = 2;

    /// <summary>The most rows one table transaction takes.</summary>
    private const int RowsPerTransaction = 100;

    private readonly FerOptions settings = (options ?? throw new ArgumentNullException(nameof(options))).Value;

    public async Task<BatchRunResult> ProcessAsync(string batch, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var lease = await models.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var scan = await ScanAsync(batch, lease.Model.Version, cancellationToken).ConfigureAwait(false);
        await results.DeleteAsync(scan.Orphans, cancellationToken).ConfigureAwait(false);
        var counts = await StreamAsync(lease.Model, [.. scan.Stale.Select(listed => listed.Blob)], progress, cancellationToken).ConfigureAwait(false);
        return new BatchRunResult(scan.Blobs, scan.Blobs - scan.Stale.Count, counts.Classified, counts.Rejected, counts.Failed, clock.Elapsed) { OrphanRowsDeleted = scan.Orphans.Count };
    }

    /// <summary>
    /// Compares a batch's blobs with its rows: the blobs without up-to-date rows for <paramref name="modelVersion"/>, and
    /// the rows whose blob no longer exists. Rows are read before blobs are listed, so a blob uploaded meanwhile is never
    /// taken for one whose rows are orphans.
    /// </summary>
    public async Task<BatchScan> ScanAsync(string batch, string modelVersion, CancellationToken cancellationToken = default)
    {
        var done = new Dictionary<string, List<EmotionRow>>(StringComparer.Ordinal);
        await foreach (var row in results.AllAsync(batch, cancellationToken).ConfigureAwait(false))
        {
            if (!done.TryGetValue(row.BlobName, out var rows))
            {
                done[row.BlobName] = rows = [];
            }

            rows.Add(row);
        }

        // The listing already gives every blob's ETag and size, and the rows were read above: hand both to the pipeline.
        var stale = new List<ListedBlob>();
        var total = 0;
        await foreach (var item in faces.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, batch == settings.DefaultBatch ? null : batch + "/", cancellationToken).ConfigureAwait(false))
        {
            var name = FaceBlobName.Parse(item.Name, settings.DefaultBatch);
            if (name.Batch != batch)
            {
                continue;
            }

            total++;
            var etag = FaceBlobName.NormalizeETag(item.Properties.ETag);
            var rows = (IReadOnlyList<EmotionRow>?)done.GetValueOrDefault(item.Name) ?? [];
            done.Remove(item.Name);
            if (!InspectedBlob.IsUpToDate(name, rows, etag, modelVersion))
            {
                stale.Add(new ListedBlob(new InspectedBlob(faces.GetBlobClient(item.Name), name, etag, item.Properties.ContentLength ?? 0, rows), item.Properties.LastModified));
            }
        }

        return new BatchScan(total, stale, [.. done.Values.SelectMany(rows => rows)]);
    }

    /// <summary>Classifies blobs that a scan found stale, as the batch mode does.</summary>
    public async Task<BatchRunResult> ProcessStaleAsync(IReadOnlyList<InspectedBlob> blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var lease = await models.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var counts = await StreamAsync(lease.Model, [.. blobs], null, cancellationToken).ConfigureAwait(false);
        return new BatchRunResult(blobs.Count, 0, counts.Classified, counts.Rejected, counts.Failed, clock.Elapsed);
    }

    /// <summary>
    /// Three stages joined by channels, so that the model never waits for storage: downloads run ahead of
    /// the model by a few batches, one batch at a time goes through ONNX Runtime (which uses every core),
    /// and rows are written in table transactions while the next batches are classified.
    /// </summary>
    private async Task<(int Classified, int Rejected, int Failed)> StreamAsync(EmotionClassifier model, List<InspectedBlob?> todo, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var groups = todo.Chunk(Math.Max(1, settings.BatchSize)).ToList();
        var downloaded = Channel.CreateBounded<DownloadedGroup>(new BoundedChannelOptions(PrefetchedBatches) { SingleReader = true });
        var toWrite = Channel.CreateUnbounded<EmotionRow>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var (classified, rejected, failed, written) = (0, 0, 0, 0);
        var stale = new List<EmotionRow>();
        var answered = new List<AnsweredBlob>();

        async Task DownloadAsync(CancellationToken ct)
        {
            try
            {
                await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentDownloadBatches, CancellationToken = ct }, async (group, token) =>
                    await downloaded.Writer.WriteAsync(await pipeline.DownloadAsync(model, group, token).ConfigureAwait(false), token).ConfigureAwait(false)).ConfigureAwait(false);
            }
            finally
            {
                downloaded.Writer.TryComplete();
            }
        }

        async Task ClassifyAsync(CancellationToken ct)
        {
            try
            {
                await foreach (var group in downloaded.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    await pipeline.ClassifyAsync(model, group).ConfigureAwait(false);
                    classified += group.NewRows.Count(r => r.Status == ClassificationStatus.Classified);
                    rejected += group.NewRows.Count(r => r.Status == ClassificationStatus.Rejected);
                    failed += group.NewRows.Count(r => r.Status == ClassificationStatus.Failed);
                    stale.AddRange(group.StaleRows);
                    answered.AddRange(group.Answered);
                    foreach (var row in group.NewRows)
                    {
                        toWrite.Writer.TryWrite(row);
                    }
                }
            }
            finally
            {
                toWrite.Writer.TryComplete();
            }
        }

        async Task WriteAsync(CancellationToken ct)
        {
            var rows = new List<EmotionRow>(RowsPerTransaction);
            while (await toWrite.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                rows.Clear();
                while (rows.Count < RowsPerTransaction && toWrite.Reader.TryRead(out var row))
                {
                    rows.Add(row);
                }

                await results.UpsertManyAsync(rows, ct).ConfigureAwait(false);
                written += rows.Count;
                progress?.Report(written);
            }
        }

        await PipelineStages.RunAsync(cancellationToken, DownloadAsync, ct => Task.Run(() => ClassifyAsync(ct), ct), WriteAsync).ConfigureAwait(false);

        // Only once the new rows are in: a reader never finds a blob with no rows at all.
        await results.DeleteAsync(stale, cancellationToken).ConfigureAwait(false);
        var removed = (await pipeline.RemoveRowsOfDeletedBlobsAsync(answered, cancellationToken).ConfigureAwait(false)).SelectMany(rows => rows).ToList();
        return (classified - removed.Count(r => r.Status == ClassificationStatus.Classified),
            rejected - removed.Count(r => r.Status == ClassificationStatus.Rejected),
            failed - removed.Count(r => r.Status == ClassificationStatus.Failed));
    }
}
