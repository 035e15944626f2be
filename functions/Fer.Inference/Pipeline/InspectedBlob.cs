using Azure.Storage.Blobs;
using Fer.Inference.Storage;

namespace Fer.Inference.Pipeline;

/// <summary>A blob as the pipeline needs to know it before classifying: name, content version, size and its current rows (face rows, or one about the whole file).</summary>
public sealed record InspectedBlob(BlobClient Blob, FaceBlobName Name, string ETag, long Length, IReadOnlyList<EmotionRow> Existing)
{
    /// <summary>
    /// True when its rows already answer for this content and model (none failed, and no classified row from before
    /// face rows existed, which classified the whole image): the work is done.
    /// </summary>
    public static bool IsUpToDate(IReadOnlyList<EmotionRow> rows, string etag, string modelVersion)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Count > 0 && rows.All(r => r.BlobETag == etag && r.ModelVersion == modelVersion && r.Status switch
        {
            Classification.ClassificationStatus.Failed => false,
            Classification.ClassificationStatus.Classified => r.FaceIndex is not null,
            _ => true,
        });
    }
}
