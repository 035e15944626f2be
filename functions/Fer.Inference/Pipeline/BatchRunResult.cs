namespace Fer.Inference.Pipeline;

/// <summary>Counts of one pass over a batch: blobs, and the rows written (a row per face, or one per blob without a face).</summary>
public sealed record BatchRunResult(int Blobs, int UpToDate, int Classified, int Rejected, int Failed, TimeSpan Elapsed)
{
    /// <summary>Rows deleted because their blob no longer exists (<c>fer process</c>; the reconciler counts its own).</summary>
    public int OrphanRowsDeleted { get; init; }

    public double ImagesPerSecond => (Blobs - UpToDate) / Math.Max(1e-9, Elapsed.TotalSeconds);
}
