using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace Fer.Testing;

/// <summary>Builds the bad and unusual inputs the tests need, byte by byte where SkiaSharp cannot.</summary>
public static class TestImages
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static byte[] Jpeg(int width, int height, SKColor color, int quality = 90) => Encode(Solid(width, height, color), SKEncodedImageFormat.Jpeg, quality);

    public static byte[] NoisyJpeg(int width, int height)
    {
        var random = new Random(1);
        var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            }
        }

        return Encode(bitmap, SKEncodedImageFormat.Jpeg, 90);
    }

    public static byte[] Png(int width, int height, SKColor color) => Encode(Solid(width, height, color), SKEncodedImageFormat.Png, 100);

    public static byte[] Webp(int width, int height, SKColor color) => Encode(Solid(width, height, color), SKEncodedImageFormat.Webp, 90);

    /// <summary>A JPEG of <paramref name="width"/> x <paramref name="height"/>, left half red and right half blue, tagged with an EXIF orientation.</summary>
    public static byte[] JpegWithOrientation(int width, int height, ushort orientation)
    {
        using var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, x < width / 2 ? SKColors.Red : SKColors.Blue);
            }
        }

        var jpeg = Encode(bitmap.Copy(), SKEncodedImageFormat.Jpeg, 95);
        // APP1 "Exif\0\0", little-endian TIFF header, one IFD entry: Orientation (0x0112), SHORT, 1, value.
        var tiff = new byte[] { 0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, (byte)orientation, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        var segment = new byte[] { 0xFF, 0xE1, (byte)((payload.Length + 2) >> 8), (byte)((payload.Length + 2) & 0xFF) }.Concat(payload);
        return jpeg.Take(2).Concat(segment).Concat(jpeg.Skip(2)).ToArray();
    }

    /// <summary>A PNG written by hand: colour type 0 (grey), 2 (RGB) or 6 (RGBA), bit depth 8 or 16.</summary>
    public static byte[] RawPng(int width, int height, byte colorType, byte bitDepth, Func<int, int, int, ushort> sample)
    {
        var channels = colorType switch { 0 => 1, 2 => 3, 6 => 4, _ => throw new ArgumentOutOfRangeException(nameof(colorType)) };
        var bytesPerSample = bitDepth / 8;
        using var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var value = sample(x, y, c);
                    if (bytesPerSample == 2)
                    {
                        raw.WriteByte((byte)(value >> 8));
                    }

                    raw.WriteByte((byte)value);
                }
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            raw.Position = 0;
            raw.CopyTo(zlib);
        }

        return PngFile(Header(width, height, bitDepth, colorType), compressed.ToArray());
    }

    /// <summary>
    /// A large RGB PNG of grey bands (each <paramref name="bandRows"/> rows one level, starting at <paramref name="firstLevel"/>),
    /// written a row at a time so that the full image never exists in memory; a few tens of KB on disk.
    /// </summary>
    public static byte[] BandedPng(int width, int height, int bandRows, byte firstLevel)
    {
        var row = new byte[1 + (width * 3)]; // filter byte "none", then RGB
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                row.AsSpan(1).Fill((byte)(firstLevel + (y / bandRows * 16)));
                zlib.Write(row);
            }
        }

        return PngFile(Header(width, height, 8, 2), compressed.ToArray());
    }

    /// <summary>An uncompressed 24-bit BMP, rows stored bottom-up as BMP does; <paramref name="color"/> gives each pixel (x, y from the top).</summary>
    public static byte[] Bmp(int width, int height, Func<int, int, SKColor> color)
    {
        var stride = ((width * 3) + 3) / 4 * 4;
        var bytes = new byte[54 + (stride * height)];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54); // pixel data offset
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40); // BITMAPINFOHEADER
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height); // positive: bottom-up
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        for (var y = 0; y < height; y++)
        {
            var offset = 54 + ((height - 1 - y) * stride);
            for (var x = 0; x < width; x++)
            {
                var pixel = color(x, y);
                (bytes[offset + (x * 3)], bytes[offset + (x * 3) + 1], bytes[offset + (x * 3) + 2]) = (pixel.Blue, pixel.Green, pixel.Red);
            }
        }

        return bytes;
    }

    /// <summary>A valid PNG signature and header claiming a huge size, with a tiny body: a decompression bomb's shape.</summary>
    public static byte[] PngClaiming(int width, int height) => PngFile(Header(width, height, 8, 2), [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);

    private static byte[] Header(int width, int height, byte bitDepth, byte colorType)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = bitDepth;
        header[9] = colorType;
        return header;
    }

    private static byte[] PngFile(byte[] header, byte[] data)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", data);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static SKBitmap Solid(int width, int height, SKColor color)
    {
        var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using (bitmap)
        using (var image = SKImage.FromBitmap(bitmap))
        using (var data = image.Encode(format, quality))
        {
            return data.ToArray();
        }
    }
}
