namespace Fer.Inference.Pipeline;

/// <summary>The reconciler's and the data lifecycle's settings, in the same <c>Fer</c> section as <see cref="FerOptions"/>.</summary>
public sealed class ReconcilerOptions
{
    /// <summary>The most blobs one reconciler run classifies, so that a backlog is worked off over several runs within the function timeout.</summary>
    public int ReconcileMaxBlobs { get; set; } = 200;

    /// <summary>
    /// Days that uploads are kept: the storage lifecycle rule deletes faces older than this, and rows processed
    /// before it are deleted with them. 0 keeps rows as long as their blob exists.
    /// </summary>
    public int FaceRetentionDays { get; set; } = 30;
}
