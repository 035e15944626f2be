using System.Buffers.Binary;

namespace Fer.Fuzz;

/// <summary>Writes BMP files with a BITMAPINFOHEADER: 1, 4, 8 (palette), 16 (5-6-5 bit fields), 24 and 32 bits per pixel, and RLE8.</summary>
public static class BmpFile
{
    private const int FileHeaderSize = 14;
    private const int InfoHeaderSize = 40;

    /// <summary>
    /// A BMP whose pixel (x, y from the top) is <paramref name="pixel"/>'s value: a palette index for 1, 4 and 8 bits, else
    /// 0xRRGGBB. Rows are stored bottom-up unless <paramref name="topDown"/> (a negative height).
    /// </summary>
    public static byte[] Encode(int width, int height, int bitsPerPixel, Func<int, int, int> pixel, byte[]? palette = null, bool topDown = false, bool rle8 = false)
    {
        ArgumentNullException.ThrowIfNull(pixel);
        var paletteBytes = bitsPerPixel <= 8 ? (palette ?? []).Length / 3 * 4 : 0;
        var masks = bitsPerPixel == 16 ? 12 : 0;
        var rows = Enumerable.Range(0, height).Select(i => topDown ? i : height - 1 - i).Select(y => rle8 ? RleRow(width, y, pixel) : Row(width, y, bitsPerPixel, pixel)).ToList();
        var pixels = rows.SelectMany(row => row).Concat(rle8 ? new byte[] { 0, 1 } : []).ToArray(); // RLE8 ends with "end of bitmap"
        var offset = FileHeaderSize + InfoHeaderSize + masks + paletteBytes;
        var bmp = new byte[offset + pixels.Length];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), offset);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), InfoHeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), topDown ? -height : height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), (short)bitsPerPixel);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(30), rle8 ? 1 : bitsPerPixel == 16 ? 3 : 0);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(34), pixels.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(46), paletteBytes / 4);
        var at = FileHeaderSize + InfoHeaderSize;
        if (masks > 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(at), 0xF800);
            BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(at + 4), 0x07E0);
            BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(at + 8), 0x001F);
            at += masks;
        }

        for (var i = 0; i < paletteBytes / 4; i++)
        {
            // Palettes are stored blue, green, red, reserved.
            (bmp[at + (4 * i)], bmp[at + (4 * i) + 1], bmp[at + (4 * i) + 2]) = (palette![(3 * i) + 2], palette[(3 * i) + 1], palette[3 * i]);
        }

        pixels.CopyTo(bmp, offset);
        return bmp;
    }

    private static byte[] Row(int width, int y, int bitsPerPixel, Func<int, int, int> pixel)
    {
        var row = new byte[((width * bitsPerPixel) + 31) / 32 * 4]; // rows are padded to 4 bytes
        for (var x = 0; x < width; x++)
        {
            var value = pixel(x, y);
            switch (bitsPerPixel)
            {
                case 32:
                    (row[4 * x], row[(4 * x) + 1], row[(4 * x) + 2], row[(4 * x) + 3]) = ((byte)value, (byte)(value >> 8), (byte)(value >> 16), 255);
                    break;
                case 24:
                    (row[3 * x], row[(3 * x) + 1], row[(3 * x) + 2]) = ((byte)value, (byte)(value >> 8), (byte)(value >> 16));
                    break;
                case 16:
                    var rgb565 = ((value >> 8) & 0xF800) | ((value >> 5) & 0x07E0) | ((value >> 3) & 0x001F);
                    BinaryPrimitives.WriteUInt16LittleEndian(row.AsSpan(2 * x), (ushort)rgb565);
                    break;
                case 8:
                    row[x] = (byte)value;
                    break;
                default:
                    var bit = x * bitsPerPixel;
                    row[bit / 8] |= (byte)((value & ((1 << bitsPerPixel) - 1)) << (8 - bitsPerPixel - (bit % 8)));
                    break;
            }
        }

        return row;
    }

    /// <summary>A row as RLE8 runs of equal indices (at most 255 each), then "end of line".</summary>
    private static byte[] RleRow(int width, int y, Func<int, int, int> pixel)
    {
        var bytes = new List<byte>();
        for (var x = 0; x < width;)
        {
            var value = pixel(x, y);
            var run = 1;
            while (x + run < width && run < 255 && pixel(x + run, y) == value)
            {
                run++;
            }

            bytes.Add((byte)run);
            bytes.Add((byte)value);
            x += run;
        }

        bytes.Add(0);
        bytes.Add(0);
        return [.. bytes];
    }
}
