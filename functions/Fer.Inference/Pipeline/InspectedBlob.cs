using Azure.Storage.Blobs;
using Fer.Inference.Storage;

namespace Fer.Inference.Pipeline;

/// <summary>A face blob as the pipeline needs to know it before classifying: name, content version, size and current row.</summary>
public sealed record InspectedBlob(BlobClient Blob, FaceBlobName Name, string ETag, long Length, EmotionRow? Existing);
