using Azure.Storage.Blobs;
using Fer.Inference.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fer.Inference.Pipeline;

/// <summary>
/// Finds what the blob trigger missed (an Event Grid delivery that never came, a blob that poisoned, a failed row)
/// and classifies it through the batch mode, at most <see cref="ReconcilerOptions.ReconcileMaxBlobs"/> blobs a run;
/// deletes the rows of blobs that no longer exist (in every batch with a blob or a row: a batch whose blobs are all
/// gone too) and rows older than the retention. A second run over the same storage finds nothing to do.
/// </summary>
public sealed class Reconciler([FromKeyedServices(InferenceServiceRegistration.FacesContainerKey)] BlobContainerClient faces, BatchProcessor processor, ResultsStore results, ModelProvider models,
    IOptions<FerOptions> options, IOptions<ReconcilerOptions> reconcilerOptions, ILogger<Reconciler> logger, TimeProvider time)
{
    private readonly FerOptions settings = (options ?? throw new ArgumentNullException(nameof(options))).Value;
    private readonly ReconcilerOptions limits = (reconcilerOptions ?? throw new ArgumentNullException(nameof(reconcilerOptions))).Value;

    public async Task<ReconcileResult> RunAsync(CancellationToken cancellationToken = default)
    {
        string version;
        using (var lease = await models.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            version = lease.Model.Version; // the scan needs only its name; the classification below takes its own lease
        }

        DateTimeOffset? cutoff = limits.FaceRetentionDays > 0 ? time.GetUtcNow().AddDays(-limits.FaceRetentionDays) : null;
        var expired = cutoff is { } before ? await results.DeleteProcessedBeforeAsync(before, cancellationToken).ConfigureAwait(false) : 0;

        var (batches, stale, orphans) = (0, 0, 0);
        var todo = new List<InspectedBlob>();
        await foreach (var batch in BatchesAsync(cancellationToken).ConfigureAwait(false))
        {
            batches++;
            var scan = await processor.ScanAsync(batch, version, cancellationToken).ConfigureAwait(false);
            await results.DeleteAsync(scan.Orphans, cancellationToken).ConfigureAwait(false);
            orphans += scan.Orphans.Count;

            // A blob past retention is about to be deleted by the lifecycle rule (which runs once a day): classifying it would only make rows to delete.
            var wanted = scan.Stale.Where(listed => cutoff is null || listed.LastModified is null || listed.LastModified >= cutoff).ToList();
            stale += wanted.Count;
            todo.AddRange(wanted.Take(Math.Max(0, limits.ReconcileMaxBlobs - todo.Count)).Select(listed => listed.Blob));
        }

        var run = await processor.ProcessStaleAsync(todo, cancellationToken).ConfigureAwait(false);
        var result = new ReconcileResult(batches, stale, todo.Count, orphans, expired, run);
        Log.Reconciled(logger, result.Batches, result.Stale, result.Processed, result.OrphanRowsDeleted, result.ExpiredRowsDeleted);
        return result;
    }

    /// <summary>
    /// Every batch with at least one blob (the folders at the container's root, and the default batch when a blob lies
    /// at the root), then every batch with rows but no blob left (its rows are all orphans). Partitions starting with
    /// '~' hold no batch's rows, and a hashed partition key cannot be turned back into its batch (the retention removes those rows).
    /// </summary>
    private async IAsyncEnumerable<string> BatchesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in faces.GetBlobsByHierarchyAsync(new Azure.Storage.Blobs.Models.GetBlobsByHierarchyOptions { Delimiter = "/" }, cancellationToken).ConfigureAwait(false))
        {
            var batch = item.IsPrefix ? FaceBlobName.Parse(item.Prefix + "x", settings.DefaultBatch).Batch : settings.DefaultBatch;
            if (seen.Add(batch))
            {
                yield return batch;
            }
        }

        await foreach (var partition in results.PartitionKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TableKeys.Decode(partition) is { Length: > 0 } batch && seen.Add(batch))
            {
                yield return batch;
            }
        }
    }
}
