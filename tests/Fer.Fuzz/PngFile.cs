using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Fer.Fuzz;

/// <summary>
/// Writes PNG files chunk by chunk, so that seeds cover what SkiaSharp's encoder never writes (every colour type and
/// bit depth, all five filters, palettes with tRNS, Adam7 interlacing) and tests can build malformed files exactly.
/// </summary>
public static class PngFile
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Adam7's passes: first column, first row, column step, row step.</summary>
    private static readonly (int X, int Y, int Dx, int Dy)[] Passes =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>IHDR's 13 bytes.</summary>
    public static byte[] Header(int width, int height, byte bitDepth, byte colorType, byte interlace = 0)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9], header[12]) = (bitDepth, colorType, interlace);
        return header;
    }

    /// <summary>One chunk: length, type, data, CRC.</summary>
    public static byte[] Chunk(string type, ReadOnlySpan<byte> data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4, 4));
        data.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.Of(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>The signature followed by these chunks.</summary>
    public static byte[] Build(params IEnumerable<byte[]> chunks)
    {
        using var png = new MemoryStream();
        png.Write(Signature);
        foreach (var chunk in chunks)
        {
            png.Write(chunk);
        }

        return png.ToArray();
    }

    /// <summary>
    /// A complete PNG: <paramref name="sample"/> gives sample c of pixel (x, y) at the bit depth; each row's filter is
    /// <c>y % 5</c> (all five filters in every file); Adam7 when <paramref name="interlaced"/>.
    /// </summary>
    public static byte[] Encode(int width, int height, byte colorType, byte bitDepth, Func<int, int, int, int> sample, bool interlaced = false, byte[]? palette = null, byte[]? transparency = null, IEnumerable<byte[]>? extraChunks = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var chunks = new List<byte[]> { Chunk("IHDR", Header(width, height, bitDepth, colorType, interlaced ? (byte)1 : (byte)0)) };
        chunks.AddRange(extraChunks ?? []);
        if (palette is not null)
        {
            chunks.Add(Chunk("PLTE", palette));
        }

        if (transparency is not null)
        {
            chunks.Add(Chunk("tRNS", transparency));
        }

        chunks.Add(Chunk("IDAT", Compress(ImageData(width, height, colorType, bitDepth, sample, interlaced))));
        chunks.Add(Chunk("IEND", []));
        return Build(chunks);
    }

    /// <summary>zlib-compressed <paramref name="raw"/>, as IDAT carries it.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> raw)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        return compressed.ToArray();
    }

    /// <summary>Where each chunk starts and how long its data claims to be, as far as the file can be walked.</summary>
    public static List<(int Offset, int Length, string Type)> Chunks(ReadOnlySpan<byte> png)
    {
        var chunks = new List<(int, int, string)>();
        for (var offset = Signature.Length; offset + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[offset..]);
            if (length < 0 || offset + 12L + length > png.Length)
            {
                break;
            }

            chunks.Add((offset, length, Encoding.ASCII.GetString(png.Slice(offset + 4, 4))));
            offset += 12 + length;
        }

        return chunks;
    }

    /// <summary>Rewrites the CRC of every chunk that can be walked, so that a mutation reaches past libpng's CRC check.</summary>
    public static void FixCrcs(Span<byte> png)
    {
        foreach (var (offset, length, _) in Chunks(png))
        {
            BinaryPrimitives.WriteUInt32BigEndian(png[(offset + 8 + length)..], Crc32.Of(png.Slice(offset + 4, 4 + length)));
        }
    }

    private static byte[] ImageData(int width, int height, byte colorType, byte bitDepth, Func<int, int, int, int> sample, bool interlaced)
    {
        var channels = colorType switch { 0 or 3 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new ArgumentOutOfRangeException(nameof(colorType)) };
        var unit = Math.Max(1, channels * bitDepth / 8);
        using var raw = new MemoryStream();
        var row = 0;
        foreach (var (x0, y0, dx, dy) in interlaced ? Passes : [(0, 0, 1, 1)])
        {
            var passWidth = (width - x0 + dx - 1) / dx;
            var passHeight = (height - y0 + dy - 1) / dy;
            if (passWidth <= 0 || passHeight <= 0)
            {
                continue; // an empty pass has no rows, not even filter bytes
            }

            var stride = ((passWidth * channels * bitDepth) + 7) / 8;
            var above = new byte[stride]; // each pass filters against zeros first
            for (var py = 0; py < passHeight; py++)
            {
                var packed = new byte[stride];
                for (var px = 0; px < passWidth; px++)
                {
                    for (var c = 0; c < channels; c++)
                    {
                        Pack(packed, (px * channels) + c, bitDepth, sample(x0 + (px * dx), y0 + (py * dy), c));
                    }
                }

                var filter = row++ % 5;
                raw.WriteByte((byte)filter);
                raw.Write(Filter(filter, packed, above, unit));
                above = packed;
            }
        }

        return raw.ToArray();
    }

    private static void Pack(byte[] row, int index, int bitDepth, int value)
    {
        switch (bitDepth)
        {
            case 16:
                (row[2 * index], row[(2 * index) + 1]) = ((byte)(value >> 8), (byte)value);
                break;
            case 8:
                row[index] = (byte)value;
                break;
            default:
                var bit = index * bitDepth;
                row[bit / 8] |= (byte)((value & ((1 << bitDepth) - 1)) << (8 - bitDepth - (bit % 8)));
                break;
        }
    }

    /// <summary>PNG's forward filters (specification, section 9).</summary>
    private static byte[] Filter(int filter, byte[] row, byte[] above, int unit)
    {
        var filtered = new byte[row.Length];
        for (var i = 0; i < row.Length; i++)
        {
            int left = i >= unit ? row[i - unit] : 0, up = above[i], upLeft = i >= unit ? above[i - unit] : 0;
            var predicted = filter switch
            {
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => 0,
            };
            filtered[i] = (byte)(row[i] - predicted);
        }

        return filtered;
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        var p = left + up - upLeft;
        var (pa, pb, pc) = (Math.Abs(p - left), Math.Abs(p - up), Math.Abs(p - upLeft));
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
    }
}

/// <summary>CRC-32 as PNG (and zlib's gzip) define it: polynomial 0xEDB88320, reflected.</summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Of(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
