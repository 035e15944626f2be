namespace Fer.Inference.Storage;

/// <summary>
/// A blob in the faces container: <c>&lt;batch&gt;/&lt;path&gt;</c> belongs to batch &lt;batch&gt;; a blob at the
/// root belongs to the default batch.
/// </summary>
public sealed record FaceBlobName(string Batch, string PathInBatch, string BlobName)
{
    public static FaceBlobName Parse(string blobName, string defaultBatch)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        var slash = blobName.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 || slash == blobName.Length - 1
            ? new FaceBlobName(defaultBatch, blobName, blobName)
            : new FaceBlobName(blobName[..slash], blobName[(slash + 1)..], blobName);
    }

    /// <summary>
    /// A blob at the container's root: its path in the (default) batch is its whole name. <c>x.jpg</c> and
    /// <c>default/x.jpg</c> have the same batch and path, so their rows are told apart by this (<see cref="TableKeys.BlobKey"/>).
    /// </summary>
    public bool AtRoot => BlobName.Length == PathInBatch.Length;

    /// <summary>ETags come quoted from some calls and bare from others; rows store them bare.</summary>
    public static string NormalizeETag(Azure.ETag? etag) => etag?.ToString().Trim('"') ?? string.Empty;

    /// <summary>The blob name for a file uploaded into a batch.</summary>
    public static string Compose(string batch, string pathInBatch) => $"{batch}/{pathInBatch.Replace('\\', '/').TrimStart('/')}";
}
