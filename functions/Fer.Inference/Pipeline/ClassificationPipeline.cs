using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Fer.Inference.Classification;
using Fer.Inference.Preprocessing;
using Fer.Inference.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fer.Inference.Pipeline;

/// <summary>
/// One blob to one row: read, classify with the current model, upsert. A row whose BlobETag and
/// ModelVersion match means the work is done. Bad images become <c>rejected</c> rows; a missing model
/// or a storage fault is written as <c>failed</c> (when the table is reachable) and thrown, so the
/// platform retries.
/// </summary>
public sealed class ClassificationPipeline(ModelProvider models, ResultsStore results, IOptions<FerOptions> options, ILogger<ClassificationPipeline> logger, TimeProvider? time = null)
{
    private readonly FerOptions settings = (options ?? throw new ArgumentNullException(nameof(options))).Value;
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public async Task<EmotionRow?> ProcessAsync(BlobClient blob, CancellationToken cancellationToken = default) =>
        (await ProcessBatchAsync([blob], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Processes blobs with one ONNX Runtime call per <see cref="FerOptions.BatchSize"/> images; returns a row per blob (null when the blob no longer exists).</summary>
    public async Task<IReadOnlyList<EmotionRow?>> ProcessBatchAsync(IReadOnlyList<BlobClient> blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var stopwatch = Stopwatch.StartNew();
        var rows = new EmotionRow?[blobs.Count];
        EmotionClassifier model;
        try
        {
            model = await models.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ModelUnavailableException e)
        {
            foreach (var blob in blobs)
            {
                await WriteFailedAsync(blob.Name, "model-unavailable", e.Message, cancellationToken).ConfigureAwait(false);
            }

            throw;
        }

        var pending = new List<(int Index, FaceBlobName Name, string ETag, BinaryData? Content)>();
        for (var i = 0; i < blobs.Count; i++)
        {
            var name = FaceBlobName.Parse(blobs[i].Name, settings.DefaultBatch);
            Azure.Storage.Blobs.Models.BlobProperties properties;
            try
            {
                properties = await blobs[i].GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                Log.BlobGone(logger, blobs[i].Name);
                continue;
            }

            var etag = FaceBlobName.NormalizeETag(properties.ETag);
            var existing = await results.GetAsync(name.Batch, name.PathInBatch, cancellationToken).ConfigureAwait(false);
            if (existing is not null && existing.BlobETag == etag && existing.ModelVersion == model.Version && existing.Status != ClassificationStatus.Failed)
            {
                rows[i] = existing; // already done for this content and this model
                continue;
            }

            if (properties.ContentLength > settings.MaxImageBytes)
            {
                rows[i] = await WriteAsync(name, etag, ClassificationResult.Rejected(
                    ImageErrorCodes.TooLarge, $"The blob has {properties.ContentLength:N0} bytes; the limit is {settings.MaxImageBytes:N0}.", model.Version), 0, cancellationToken).ConfigureAwait(false);
                continue;
            }

            pending.Add((i, name, etag, null));
        }

        foreach (var chunk in pending.Chunk(Math.Max(1, settings.BatchSize)))
        {
            var contents = await Task.WhenAll(chunk.Select(p => blobs[p.Index].DownloadContentAsync(cancellationToken))).ConfigureAwait(false);
            var started = stopwatch.Elapsed;
            var classified = model.ClassifyBatch(contents.Select(c => (ReadOnlyMemory<byte>)c.Value.Content.ToMemory()).ToList());
            var perImageMs = (stopwatch.Elapsed - started).TotalMilliseconds / chunk.Length;
            for (var k = 0; k < chunk.Length; k++)
            {
                rows[chunk[k].Index] = await WriteAsync(chunk[k].Name, chunk[k].ETag, classified[k], perImageMs, cancellationToken).ConfigureAwait(false);
            }
        }

        return rows;
    }

    private async Task<EmotionRow> WriteAsync(FaceBlobName name, string etag, ClassificationResult result, double durationMs, CancellationToken cancellationToken)
    {
        var row = new EmotionRow
        {
            PartitionKey = TableKeys.Encode(name.Batch),
            RowKey = TableKeys.Encode(name.PathInBatch),
            BlobName = name.BlobName,
            Status = result.Status,
            Emotion = result.Emotion,
            Confidence = result.Status == ClassificationStatus.Classified ? result.Confidence : null,
            ModelVersion = result.ModelVersion,
            Width = result.Width,
            Height = result.Height,
            BlobETag = etag,
            ProcessedAt = clock.GetUtcNow(),
            DurationMs = durationMs,
            ErrorCode = result.ErrorCode,
            Error = result.Error,
        };
        if (result.Status == ClassificationStatus.Classified)
        {
            row.SetScores(result.Scores);
        }

        await results.UpsertAsync(row, cancellationToken).ConfigureAwait(false);
        return row;
    }

    private async Task WriteFailedAsync(string blobName, string code, string message, CancellationToken cancellationToken)
    {
        var name = FaceBlobName.Parse(blobName, settings.DefaultBatch);
        try
        {
            var existing = await results.GetAsync(name.Batch, name.PathInBatch, cancellationToken).ConfigureAwait(false);
            if (existing is { Status: ClassificationStatus.Classified or ClassificationStatus.Rejected })
            {
                return; // keep the last good answer; the retry will replace it
            }

            await results.UpsertAsync(new EmotionRow
            {
                PartitionKey = TableKeys.Encode(name.Batch),
                RowKey = TableKeys.Encode(name.PathInBatch),
                BlobName = name.BlobName,
                Status = ClassificationStatus.Failed,
                ProcessedAt = clock.GetUtcNow(),
                ErrorCode = code,
                Error = message,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            Log.FailureNotRecorded(logger, e, blobName);
        }
    }
}
