using Fer.Inference.Preprocessing;

namespace Fer.Api;

/// <summary>The name and content type an image gets when the classify route uploads it into a batch.</summary>
internal static class ImageUpload
{
    /// <summary>A unique, time-ordered name inside the batch, with the extension of the image's format.</summary>
    public static string BlobName(string batch, ImageFormat? format, DateTimeOffset now) =>
        $"{batch}/upload-{now.UtcDateTime:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..8]}{format?.Extension}";

    /// <summary>What Blob Storage serves the image as.</summary>
    public static string ContentType(ImageFormat? format) => format?.ContentType ?? "application/octet-stream";
}
