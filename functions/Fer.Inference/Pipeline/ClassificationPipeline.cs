using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Fer.Inference.Classification;
using Fer.Inference.Preprocessing;
using Fer.Inference.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fer.Inference.Pipeline;

/// <summary>
/// One blob to its rows: read, find and classify its faces with the current model, upsert a row per face
/// (or one row about the whole file: rejected, no face, failed) and delete its rows that no longer apply.
/// Rows whose BlobETag and ModelVersion match mean the work is done. Bad images become <c>rejected</c> rows; a missing model
/// or a storage fault is written as <c>failed</c> (when the table is reachable) and thrown, so the
/// platform retries. Every write is checked afterwards: rows of a blob deleted meanwhile (a batch deleted while its
/// images were being classified) are removed by their writer, so a delete stays complete whatever was in flight.
/// </summary>
public sealed class ClassificationPipeline(ModelProvider models, ResultsStore results, [FromKeyedServices(InferenceServiceRegistration.FacesContainerKey)] BlobContainerClient faces,
    IOptions<FerOptions> options, ILogger<ClassificationPipeline> logger, TimeProvider? time = null)
{
    /// <summary>Blobs whose existence is checked at once after their rows are written: round trips that wait on nothing but storage.</summary>
    private const int ConcurrentExistenceChecks = 16;

    private readonly FerOptions settings = (options ?? throw new ArgumentNullException(nameof(options))).Value;
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public async Task<IReadOnlyList<EmotionRow>?> ProcessAsync(BlobClient blob, CancellationToken cancellationToken = default) =>
        (await ProcessBatchAsync([blob], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Processes blobs with one ONNX Runtime call per <see cref="FerOptions.BatchSize"/> images; returns the rows of each blob (null when the blob no longer exists).</summary>
    public async Task<IReadOnlyList<IReadOnlyList<EmotionRow>?>> ProcessBatchAsync(IReadOnlyList<BlobClient> blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ModelLease lease;
        try
        {
            lease = await models.AcquireAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ModelUnavailableException)
        {
            foreach (var blob in blobs)
            {
                await RecordFailureAsync(blob.Name, null, FailureMessages.ModelUnavailable, cancellationToken).ConfigureAwait(false);
            }

            throw;
        }

        using (lease)
        {
            // Look at every blob and its row at once: these are independent round trips to storage.
            var inspected = await Task.WhenAll(blobs.Select(blob => InspectAsync(blob, cancellationToken))).ConfigureAwait(false);
            return await ProcessInspectedAsync(lease.Model, inspected, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Processes blobs whose ETag, size and current row the caller already has (the batch mode lists them
    /// all at once), so nothing is read twice; a null entry (a blob that is gone) gives null rows. The caller holds a
    /// <see cref="ModelLease"/> on <paramref name="model"/> until this ends.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<EmotionRow>?>> ProcessInspectedAsync(EmotionClassifier model, IReadOnlyList<InspectedBlob?> blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(blobs);
        var rows = new List<IReadOnlyList<EmotionRow>?>(blobs.Count);
        var written = new List<EmotionRow>();
        var stale = new List<EmotionRow>();
        var answered = new List<AnsweredBlob>();
        foreach (var chunk in blobs.Chunk(Math.Max(1, settings.BatchSize)))
        {
            var group = await DownloadAsync(model, chunk, cancellationToken).ConfigureAwait(false);
            await ClassifyAsync(model, group).ConfigureAwait(false);
            rows.AddRange(group.Rows);
            written.AddRange(group.NewRows);
            stale.AddRange(group.StaleRows);
            answered.AddRange(group.Answered);
        }

        await results.UpsertManyAsync(written, cancellationToken).ConfigureAwait(false);
        await results.DeleteAsync(stale, cancellationToken).ConfigureAwait(false);
        var removed = await RemoveRowsOfDeletedBlobsAsync(answered, cancellationToken).ConfigureAwait(false);
        return removed.Count == 0 ? rows : [.. rows.Select(r => r is not null && removed.Contains(r) ? null : r)];
    }

    /// <summary>
    /// Check after write: each blob whose rows were just written must still exist, or its rows are deleted again (a
    /// blob that is gone gets no rows). A batch delete removes the blobs first and then the rows: a writer that checks
    /// before the blob is gone wrote before the delete read the rows, which it then deletes; one that checks after
    /// finds the blob gone. Either way no row outlives the delete. Returns the rows removed, by blob.
    /// </summary>
    internal async Task<IReadOnlySet<IReadOnlyList<EmotionRow>>> RemoveRowsOfDeletedBlobsAsync(IReadOnlyList<AnsweredBlob> answered, CancellationToken cancellationToken)
    {
        var gone = new System.Collections.Concurrent.ConcurrentBag<AnsweredBlob>();
        await Parallel.ForEachAsync(answered, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentExistenceChecks, CancellationToken = cancellationToken }, async (blob, token) =>
        {
            if (!(await blob.Blob.Blob.ExistsAsync(token).ConfigureAwait(false)).Value)
            {
                gone.Add(blob);
            }
        }).ConfigureAwait(false);
        if (gone.IsEmpty)
        {
            return new HashSet<IReadOnlyList<EmotionRow>>();
        }

        await results.DeleteAsync(gone.SelectMany(blob => blob.Rows), cancellationToken).ConfigureAwait(false);
        foreach (var blob in gone)
        {
            Log.RowsOfDeletedBlobRemoved(logger, new BlobNameHash(blob.Blob.Name.BlobName), blob.Rows.Count);
        }

        return gone.Select(blob => blob.Rows).ToHashSet<IReadOnlyList<EmotionRow>>(ReferenceEqualityComparer.Instance);
    }

    /// <summary>
    /// Decides what needs no model call (a row already up to date for this content and model, a blob
    /// over the size limit) and downloads the rest at once: independent round trips to storage.
    /// </summary>
    internal async Task<DownloadedGroup> DownloadAsync(EmotionClassifier model, IReadOnlyList<InspectedBlob?> blobs, CancellationToken cancellationToken)
    {
        var group = new DownloadedGroup(blobs);
        var toRead = new List<int>();
        for (var i = 0; i < blobs.Count; i++)
        {
            if (blobs[i] is not { } blob)
            {
                continue; // deleted since it was listed or triggered
            }

            if (InspectedBlob.IsUpToDate(blob.Name, blob.Existing, blob.ETag, model.Version))
            {
                group.Rows[i] = blob.Existing;
            }
            else if (blob.Length > settings.MaxImageBytes)
            {
                group.Answer(i, [Row(blob.Name, blob.ETag, ClassificationResult.Rejected(
                    ImageErrorCodes.TooLarge, $"The blob has {blob.Length:N0} bytes; the limit is {settings.MaxImageBytes:N0}.", model.Version), 0)]);
            }
            else
            {
                toRead.Add(i);
            }
        }

        var contents = await Task.WhenAll(toRead.Select(i => DownloadOrNullAsync(blobs[i]!.Blob, cancellationToken))).ConfigureAwait(false);
        for (var k = 0; k < toRead.Count; k++)
        {
            if (contents[k] is { } content)
            {
                group.Pending.Add((toRead[k], content));
            }
        }

        return group;
    }

    /// <summary>The blob's content; null when it was deleted after it was listed or triggered (it gets no row).</summary>
    private async Task<BinaryData?> DownloadOrNullAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            return (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            Log.BlobGone(logger, new BlobNameHash(blob.Name));
            return null;
        }
    }

    /// <summary>
    /// Classifies the faces of a downloaded group's images with one ONNX Runtime call and fills in their rows. A group
    /// of one (a blob-triggered invocation) joins whatever other invocations are classifying at the same time.
    /// </summary>
    internal async Task ClassifyAsync(EmotionClassifier model, DownloadedGroup group)
    {
        if (group.Pending.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var images = group.Pending.ConvertAll(p => (ReadOnlyMemory<byte>)p.Content.ToMemory());
        var classified = images.Count == 1 && settings.CoalesceRequests
            ? [await model.ClassifyPhotoAsync(images[0]).ConfigureAwait(false)]
            : model.ClassifyPhotos(images);
        var perImageMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds / group.Pending.Count;
        for (var k = 0; k < group.Pending.Count; k++)
        {
            var i = group.Pending[k].Index;
            var blob = group.Blobs[i]!;
            group.Answer(i, [.. classified[k].Select(result => Row(blob.Name, blob.ETag, result, perImageMs))]);
        }
    }

    /// <summary>The blob's ETag and size, and its current rows; null when the blob no longer exists.</summary>
    private async Task<InspectedBlob?> InspectAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        var name = FaceBlobName.Parse(blob.Name, settings.DefaultBatch);
        var existing = results.GetBlobRowsAsync(name, cancellationToken);
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new InspectedBlob(blob, name, FaceBlobName.NormalizeETag(properties.Value.ETag), properties.Value.ContentLength, await existing.ConfigureAwait(false));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            Log.BlobGone(logger, new BlobNameHash(blob.Name));
            await existing.ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// A face's row (key extended by the face index), or the row about the whole file (the blob's own key). A failed
    /// result's text (it may hold an exception's message) goes to the log; the row gets its code's fixed sentence.
    /// </summary>
    private EmotionRow Row(FaceBlobName name, string etag, ClassificationResult result, double durationMs)
    {
        var error = result.Error;
        if (result.Status == ClassificationStatus.Failed)
        {
            Log.ImageFailed(logger, new BlobNameHash(name.BlobName), result.ErrorCode, result.Error);
            error = FailureMessages.For(result.ErrorCode);
        }

        var row = new EmotionRow
        {
            PartitionKey = TableKeys.Encode(name.Batch),
            RowKey = result.FaceIndex is { } face ? TableKeys.FaceKey(name, face) : TableKeys.BlobKey(name),
            BlobName = name.BlobName,
            Status = result.Status,
            Emotion = result.Emotion,
            Confidence = result.Status == ClassificationStatus.Classified ? result.Confidence : null,
            Uncertain = result.Status == ClassificationStatus.Classified ? result.Uncertain : null,
            FacesTruncated = result.FacesTruncated,
            ModelVersion = result.ModelVersion,
            Width = result.Width,
            Height = result.Height,
            BlobETag = etag,
            ProcessedAt = clock.GetUtcNow(),
            DurationMs = durationMs,
            FaceIndex = result.FaceIndex,
            FaceCount = result.FaceCount,
            BoxX = result.Box?.X,
            BoxY = result.Box?.Y,
            BoxWidth = result.Box?.Width,
            BoxHeight = result.Box?.Height,
            DetectionScore = result.DetectionScore,
            FaceSource = result.FaceSource,
            AlignedDegrees = result.AlignedDegrees,
            ErrorCode = result.ErrorCode,
            Error = error,
        };
        if (result.Status == ClassificationStatus.Classified)
        {
            row.SetScores(result.Scores);
        }

        return row;
    }

    /// <summary>
    /// Writes a <c>failed</c> row about the whole blob, with <paramref name="code"/>'s fixed sentence
    /// (<see cref="FailureMessages"/>), unless it already has a classified or rejected row (of
    /// <paramref name="etag"/>, when known): the last good answer is kept, and a later pass replaces it. The row is
    /// removed again when the blob turns out to be gone (check after write). A table fault is logged, not thrown: the
    /// failure being recorded is what the caller reports.
    /// </summary>
    public async Task RecordFailureAsync(string blobName, string? etag, string code, CancellationToken cancellationToken = default)
    {
        var name = FaceBlobName.Parse(blobName, settings.DefaultBatch);
        try
        {
            var existing = await results.GetBlobRowsAsync(name, cancellationToken).ConfigureAwait(false);
            if (existing.Any(r => (r.Status is ClassificationStatus.Classified or ClassificationStatus.Rejected) && (etag is null || r.BlobETag == etag)))
            {
                return; // keep the last good answer; the retry will replace it
            }

            var row = new EmotionRow
            {
                PartitionKey = TableKeys.Encode(name.Batch),
                RowKey = TableKeys.BlobKey(name),
                BlobName = name.BlobName,
                Status = ClassificationStatus.Failed,
                BlobETag = etag,
                ProcessedAt = clock.GetUtcNow(),
                ErrorCode = code,
                Error = FailureMessages.For(code),
            };
            await results.UpsertAsync(row, cancellationToken).ConfigureAwait(false);
            var blob = new InspectedBlob(faces.GetBlobClient(blobName), name, etag ?? string.Empty, 0, existing);
            await RemoveRowsOfDeletedBlobsAsync([new AnsweredBlob(blob, [row])], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            // AggregateException: the client's retries spent on a storage that does not answer at all.
            Log.FailureNotRecorded(logger, e, new BlobNameHash(blobName));
        }
    }
}
