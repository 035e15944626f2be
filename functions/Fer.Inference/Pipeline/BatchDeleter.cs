using Azure;
using Azure.Storage.Blobs;
using Fer.Inference.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fer.Inference.Pipeline;

/// <summary>
/// Deletes a batch: its blobs in the faces container (for the default batch, also the blobs at the container's root),
/// then its rows and its re-classification state. Blobs go first: a writer already running (the blob trigger, a
/// re-classification chunk, <c>fer process</c>) checks its blob after writing its rows and removes them when the blob
/// is gone (<see cref="ClassificationPipeline.RemoveRowsOfDeletedBlobsAsync"/>), and a row it wrote before that check
/// was already there for this delete to read. So the delete is complete whatever was in flight; rows a writer could not
/// remove (it died in between) are orphans, which <c>fer process</c> and the reconciler delete.
/// </summary>
public sealed class BatchDeleter([FromKeyedServices(InferenceServiceRegistration.FacesContainerKey)] BlobContainerClient faces, ResultsStore results, IOptions<FerOptions> options)
{
    private readonly FerOptions settings = (options ?? throw new ArgumentNullException(nameof(options))).Value;

    public async Task<BatchDeletion> DeleteAsync(string batch, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(batch);
        var blobs = 0;
        var prefix = batch == settings.DefaultBatch ? null : batch + "/";
        await foreach (var item in faces.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            if (FaceBlobName.Parse(item.Name, settings.DefaultBatch).Batch != batch)
            {
                continue;
            }

            try
            {
                await faces.DeleteBlobAsync(item.Name, Azure.Storage.Blobs.Models.DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
                blobs++;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Deleted meanwhile: the outcome wanted.
            }
        }

        var rows = await results.DeleteBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        try
        {
            await results.Table.DeleteEntityAsync(Reclassification.ReclassifyRun.Partition, TableKeys.Encode(batch), ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Never re-classified.
        }

        return new BatchDeletion(batch, blobs, rows);
    }
}
