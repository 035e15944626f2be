using System.Buffers.Binary;
using SkiaSharp;

namespace Fer.Fuzz;

/// <summary>A valid file the mutations start from; <see cref="Extension"/> names saved findings.</summary>
public sealed record Seed(string Name, string Extension, byte[] Bytes);

/// <summary>
/// The seed corpus, built in code (a few KB in all): small valid files that between them reach every decoder path
/// (the PNG row reader in every colour type, bit depth and filter, Skia's interlaced PNG, JPEG's scaled decode, GIF,
/// WebP lossy and lossless, BMP by scanlines in six layouts, EXIF orientation in JPEG and WebP). Sizes are odd so that
/// reductions have uneven boxes.
/// </summary>
public static class Seeds
{
    private const int Width = 21;
    private const int Height = 13;

    public static IReadOnlyList<Seed> All()
    {
        byte[] palette4 = [0, 0, 0, 255, 0, 0, 0, 255, 0, 40, 80, 200];
        var palette16 = Enumerable.Range(0, 16).SelectMany(i => new[] { (byte)(i * 16), (byte)(255 - (i * 16)), (byte)(i * 7) }).ToArray();
        var palette256 = Enumerable.Range(0, 256).SelectMany(i => new[] { (byte)i, (byte)(i * 3), (byte)(255 - i) }).ToArray();
        return
        [
            new("png-rgb8", ".png", PngFile.Encode(Width, Height, 2, 8, Gradient)),
            new("png-rgba8", ".png", PngFile.Encode(Width, Height, 6, 8, Gradient)),
            new("png-rgba16", ".png", PngFile.Encode(Width, Height, 6, 16, (x, y, c) => Gradient(x, y, c) * 257)),
            new("png-grey1", ".png", PngFile.Encode(Width, Height, 0, 1, (x, y, _) => (x + y) % 2)),
            new("png-grey4-trns", ".png", PngFile.Encode(Width, Height, 0, 4, (x, y, _) => (x + y) % 16, transparency: [0, 3])),
            new("png-grey16", ".png", PngFile.Encode(Width, Height, 0, 16, (x, y, _) => x * 3000)),
            new("png-grey-alpha8", ".png", PngFile.Encode(Width, Height, 4, 8, (x, y, c) => c == 0 ? x * 12 : y * 19)),
            new("png-rgb8-trns", ".png", PngFile.Encode(Width, Height, 2, 8, (x, y, c) => x % 3 == 0 ? 7 : Gradient(x, y, c), transparency: [0, 7, 0, 7, 0, 7])),
            new("png-palette2-trns", ".png", PngFile.Encode(Width, Height, 3, 2, (x, y, _) => (x / 3 + y) % 4, palette: palette4, transparency: [255, 0, 128])),
            new("png-palette8", ".png", PngFile.Encode(Width, Height, 3, 8, (x, y, _) => (x * 11) + y, palette: palette256)),
            new("png-rgb8-adam7", ".png", PngFile.Encode(Width, Height, 2, 8, Gradient, interlaced: true)),
            new("png-palette4-adam7", ".png", PngFile.Encode(Width, Height, 3, 4, (x, y, _) => (x + (2 * y)) % 16, interlaced: true, palette: palette16)),
            new("png-rgba16-adam7", ".png", PngFile.Encode(9, 7, 6, 16, (x, y, c) => Gradient(x, y, c) * 250, interlaced: true)),
            new("png-exif6", ".png", PngFile.Encode(Width, Height, 2, 8, Gradient, extraChunks: [PngFile.Chunk("eXIf", ExifOrientation(6))])),
            new("jpeg", ".jpg", Encode(Picture(40, 24), SKEncodedImageFormat.Jpeg, 80)),
            new("jpeg-exif6", ".jpg", JpegWithExif(Encode(Picture(40, 24), SKEncodedImageFormat.Jpeg, 70), ExifOrientation(6))),
            new("jpeg-exif3", ".jpg", JpegWithExif(Encode(Picture(24, 17), SKEncodedImageFormat.Jpeg, 60), ExifOrientation(3))),
            new("jpeg-grey", ".jpg", Encode(Picture(33, 19, SKColorType.Gray8), SKEncodedImageFormat.Jpeg, 75)),
            new("gif", ".gif", GifFile.Encode(Width, Height, palette4, [(x, y) => (byte)((x + y) % 4)])),
            new("gif-animated-transparent", ".gif", GifFile.Encode(Width, Height, palette4, [(x, _) => (byte)(x % 4), (_, y) => (byte)(y % 4)], transparentIndex: 0)),
            new("gif-interlaced", ".gif", GifFile.Encode(Width, Height, palette16, [(x, y) => (byte)((x * y) % 16)], interlaced: true)),
            new("webp-lossy", ".webp", Webp(Picture(26, 18), SKWebpEncoderCompression.Lossy)),
            new("webp-lossless", ".webp", Webp(Picture(Width, Height), SKWebpEncoderCompression.Lossless)),
            new("webp-exif8", ".webp", WebpWithExif(Webp(Picture(Width, Height), SKWebpEncoderCompression.Lossless), Width, Height, ExifOrientation(8))),
            new("bmp24", ".bmp", BmpFile.Encode(Width, Height, 24, Rgb)),
            new("bmp32-top-down", ".bmp", BmpFile.Encode(Width, Height, 32, Rgb, topDown: true)),
            new("bmp16-bitfields", ".bmp", BmpFile.Encode(Width, Height, 16, Rgb)),
            new("bmp8-palette", ".bmp", BmpFile.Encode(Width, Height, 8, (x, y) => (x * 11) + y, palette256)),
            new("bmp4-palette", ".bmp", BmpFile.Encode(Width, Height, 4, (x, y) => (x + y) % 16, palette16)),
            new("bmp1-palette", ".bmp", BmpFile.Encode(Width, Height, 1, (x, y) => (x ^ y) & 1, palette4[..6])),
            new("bmp8-rle", ".bmp", BmpFile.Encode(Width, Height, 8, (x, y) => (x / 4) + (y * 8), palette256, rle8: true)),
        ];
    }

    /// <summary>An EXIF block (TIFF, little-endian) holding only an Orientation tag, without JPEG's "Exif\0\0" prefix.</summary>
    public static byte[] ExifOrientation(ushort orientation) =>
        [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, (byte)orientation, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    /// <summary>A JPEG with an APP1 "Exif" segment right after its SOI marker.</summary>
    public static byte[] JpegWithExif(byte[] jpeg, byte[] tiff)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        ArgumentNullException.ThrowIfNull(tiff);
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var length = payload.Length + 2;
        return [.. jpeg.AsSpan(0, 2), 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg.AsSpan(2)];
    }

    /// <summary>
    /// A simple-format WebP (RIFF, one VP8 or VP8L chunk) rewritten as the extended format: VP8X with the EXIF flag,
    /// the image chunk, then an EXIF chunk.
    /// </summary>
    public static byte[] WebpWithExif(byte[] webp, int width, int height, byte[] tiff)
    {
        ArgumentNullException.ThrowIfNull(webp);
        ArgumentNullException.ThrowIfNull(tiff);
        var vp8x = new byte[10];
        vp8x[0] = 0x08; // EXIF present
        WriteUInt24(vp8x.AsSpan(4), width - 1);
        WriteUInt24(vp8x.AsSpan(7), height - 1);
        byte[] body = [.. "WEBP"u8, .. RiffChunk("VP8X", vp8x), .. webp.AsSpan(12), .. RiffChunk("EXIF", tiff)];
        var file = new byte[8 + body.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), body.Length);
        body.CopyTo(file, 8);
        return file;
    }

    private static byte[] RiffChunk(string type, byte[] data)
    {
        var chunk = new byte[8 + data.Length + (data.Length % 2)]; // chunks are padded to an even size
        System.Text.Encoding.ASCII.GetBytes(type, chunk.AsSpan(0, 4));
        BinaryPrimitives.WriteInt32LittleEndian(chunk.AsSpan(4), data.Length);
        data.CopyTo(chunk, 8);
        return chunk;
    }

    private static void WriteUInt24(Span<byte> target, int value) => (target[0], target[1], target[2]) = ((byte)value, (byte)(value >> 8), (byte)(value >> 16));

    private static int Gradient(int x, int y, int channel) => channel switch
    {
        0 => x * 12,
        1 => y * 19,
        2 => (x * y) % 256,
        _ => 255 - (x * 5),
    };

    private static int Rgb(int x, int y) => (Gradient(x, y, 0) << 16) | (Gradient(x, y, 1) << 8) | Gradient(x, y, 2);

    /// <summary>A small picture with edges and a gradient, which lossy encoders do not reduce to nothing.</summary>
    private static SKBitmap Picture(int width, int height, SKColorType colorType = SKColorType.Rgba8888)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, colorType, SKAlphaType.Premul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 9), (byte)(y * 13), (byte)(x < width / 2 ? 220 : 30)));
            }
        }

        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using (bitmap)
        using (var data = bitmap.Encode(format, quality))
        {
            return data.ToArray();
        }
    }

    private static byte[] Webp(SKBitmap bitmap, SKWebpEncoderCompression compression)
    {
        using (bitmap)
        using (var pixmap = bitmap.PeekPixels() ?? throw new InvalidOperationException("The bitmap has no pixels."))
        using (var data = pixmap.Encode(new SKWebpEncoderOptions(compression, 75)) ?? throw new InvalidOperationException("Skia could not encode a WebP."))
        {
            return data.ToArray();
        }
    }
}
