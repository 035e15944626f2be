namespace Fer.Inference.Preprocessing;

/// <summary>An encoded image format Fer reads (JPEG, PNG, GIF, WebP, BMP), known by a file's first bytes.</summary>
public sealed record ImageFormat(string Name, string Extension, string ContentType)
{
    private static readonly ImageFormat Jpeg = new("JPEG", ".jpg", "image/jpeg");
    private static readonly ImageFormat Png = new("PNG", ".png", "image/png");
    private static readonly ImageFormat Gif = new("GIF", ".gif", "image/gif");
    private static readonly ImageFormat WebP = new("WebP", ".webp", "image/webp");
    private static readonly ImageFormat Bmp = new("BMP", ".bmp", "image/bmp");

    /// <summary>The format a file claims by its first bytes, or null: a claim, not proof that it decodes.</summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> data) => data switch
    {
        [0xFF, 0xD8, 0xFF, ..] => Jpeg,
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => Png,
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => Gif,
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => WebP,
        [(byte)'B', (byte)'M', ..] => Bmp,
        _ => null,
    };
}
