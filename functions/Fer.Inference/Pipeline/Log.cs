using Microsoft.Extensions.Logging;

namespace Fer.Inference.Pipeline;

/// <summary>The serving core's log messages (source-generated, allocation-free when disabled).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Serving model {Version} on {Provider} (was {Previous}).")]
    public static partial void ModelLoaded(ILogger logger, string version, string provider, string previous);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Model refresh failed; {Action}.")]
    public static partial void ModelRefreshFailed(ILogger logger, Exception exception, string action);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void ExecutionProviderFallback(ILogger logger, string message);

    /// <summary>Blob names are personal data (they may name people): logs get <see cref="BlobNameHash"/> instead.</summary>
    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Blob {BlobHash} no longer exists; nothing to classify.")]
    public static partial void BlobGone(ILogger logger, BlobNameHash blobHash);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Could not record the failure of blob {BlobHash}.")]
    public static partial void FailureNotRecorded(ILogger logger, Exception exception, BlobNameHash blobHash);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void FaceAlignmentWarning(ILogger logger, string message);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Reconciled {Batches} batch(es): {Stale} blob(s) without current rows, {Processed} classified this run; deleted {Orphans} row(s) of deleted blobs and {Expired} past retention.")]
    public static partial void Reconciled(ILogger logger, int batches, int stale, int processed, int orphans, int expired);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Blob {BlobHash} was deleted while it was classified; its {Rows} new row(s) were removed again.")]
    public static partial void RowsOfDeletedBlobRemoved(ILogger logger, BlobNameHash blobHash, int rows);

    /// <summary>What broke, for the log only: the row gets the code's fixed sentence (<see cref="FailureMessages"/>).</summary>
    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Blob {BlobHash} failed with {ErrorCode}: {Detail}")]
    public static partial void ImageFailed(ILogger logger, BlobNameHash blobHash, string? errorCode, string? detail);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Model {Version} disposed: it is no longer current and its last lease has ended.")]
    public static partial void ModelRetired(ILogger logger, string version);
}
