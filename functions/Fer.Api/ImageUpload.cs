namespace Fer.Api;

/// <summary>The name and content type an image gets when the classify route uploads it into a batch.</summary>
internal static class ImageUpload
{
    /// <summary>A unique, time-ordered name inside the batch, with the extension of the format its first bytes show.</summary>
    public static string BlobName(string batch, ReadOnlySpan<byte> image, DateTimeOffset now) =>
        $"{batch}/upload-{now.UtcDateTime:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..8]}{Format(image).Extension}";

    public static (string Extension, string ContentType) Format(ReadOnlySpan<byte> image) => image switch
    {
        [0xFF, 0xD8, 0xFF, ..] => (".jpg", "image/jpeg"),
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => (".png", "image/png"),
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => (".gif", "image/gif"),
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => (".webp", "image/webp"),
        [(byte)'B', (byte)'M', ..] => (".bmp", "image/bmp"),
        _ => (string.Empty, "application/octet-stream"),
    };
}
