using Azure.Storage.Blobs;
using Fer.Inference.Storage;

namespace Fer.Inference.Pipeline;

/// <summary>A blob as the pipeline needs to know it before classifying: name, content version, size and its current rows (face rows, or one about the whole file).</summary>
public sealed record InspectedBlob(BlobClient Blob, FaceBlobName Name, string ETag, long Length, IReadOnlyList<EmotionRow> Existing)
{
    /// <summary>
    /// True when its rows already answer for this content and model (none failed, and no classified row from before
    /// face rows existed, which classified the whole image) under the blob's own keys: the work is done. A root blob's
    /// rows written under the keys it shared with <c>default/</c> + its name, before root blobs had keys of their own,
    /// are not: processing the blob again moves them (the old rows are deleted as no longer its rows).
    /// </summary>
    public static bool IsUpToDate(FaceBlobName name, IReadOnlyList<EmotionRow> rows, string etag, string modelVersion)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Count > 0 && rows.All(r => r.BlobETag == etag && r.ModelVersion == modelVersion && TableKeys.IsKeyOf(name, r.RowKey) && r.Status switch
        {
            Classification.ClassificationStatus.Failed => false,
            Classification.ClassificationStatus.Classified => r.FaceIndex is not null,
            _ => true,
        });
    }
}
