using System.Buffers.Binary;

namespace Fer.Fuzz;

/// <summary>Writes GIF89a files (SkiaSharp has no GIF encoder): frames of palette indices, optionally interlaced or with a transparent index.</summary>
public static class GifFile
{
    /// <summary>LZW codes stay 9 bits wide: a clear code is sent before the decoder's table could grow past 512 entries.</summary>
    private const int MinCodeSize = 8;

    /// <summary>A GIF with a global palette (RGB triples, a power of two entries from 2 to 256) and one or more frames.</summary>
    public static byte[] Encode(int width, int height, byte[] palette, IReadOnlyList<Func<int, int, byte>> frames, bool interlaced = false, int? transparentIndex = null)
    {
        ArgumentNullException.ThrowIfNull(palette);
        ArgumentNullException.ThrowIfNull(frames);
        var entries = palette.Length / 3;
        var sizeBits = (int)Math.Log2(entries) - 1;
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        WriteUInt16(gif, width);
        WriteUInt16(gif, height);
        gif.WriteByte((byte)(0x80 | 0x70 | sizeBits)); // global palette, 8-bit colour resolution
        gif.WriteByte(0); // background
        gif.WriteByte(0); // aspect
        gif.Write(palette);
        if (frames.Count > 1)
        {
            gif.Write([0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8, 0x03, 0x01, 0x00, 0x00, 0x00]); // loop forever
        }

        foreach (var frame in frames)
        {
            // Graphic control: a delay of 10 cs, and the transparent index when there is one.
            gif.Write([0x21, 0xF9, 0x04, (byte)(transparentIndex is null ? 0x04 : 0x05), 0x0A, 0x00, (byte)(transparentIndex ?? 0), 0x00]);
            gif.WriteByte(0x2C);
            WriteUInt16(gif, 0);
            WriteUInt16(gif, 0);
            WriteUInt16(gif, width);
            WriteUInt16(gif, height);
            gif.WriteByte(interlaced ? (byte)0x40 : (byte)0);
            gif.WriteByte(MinCodeSize);
            WriteSubBlocks(gif, Lzw(RowOrder(height, interlaced).SelectMany(y => Enumerable.Range(0, width).Select(x => frame(x, y)))));
        }

        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>The rows in the order they are stored: GIF interlacing sends every 8th row, then the 4th, 2nd and the rest.</summary>
    private static IEnumerable<int> RowOrder(int height, bool interlaced) =>
        interlaced
            ? new[] { (0, 8), (4, 8), (2, 4), (1, 2) }.SelectMany(pass => Enumerable.Range(0, height).Where(y => y >= pass.Item1 && (y - pass.Item1) % pass.Item2 == 0))
            : Enumerable.Range(0, height);

    /// <summary>Every index sent as its own literal code, with a clear code every 250 codes so the code width never changes.</summary>
    private static byte[] Lzw(IEnumerable<byte> indices)
    {
        const int clear = 1 << MinCodeSize, end = clear + 1, width = MinCodeSize + 1;
        var bits = new BitWriter();
        bits.Write(clear, width);
        var sinceClear = 0;
        foreach (var index in indices)
        {
            if (sinceClear == 250)
            {
                bits.Write(clear, width);
                sinceClear = 0;
            }

            bits.Write(index, width);
            sinceClear++;
        }

        bits.Write(end, width);
        return bits.ToArray();
    }

    private static void WriteSubBlocks(Stream gif, byte[] data)
    {
        for (var offset = 0; offset < data.Length; offset += 255)
        {
            var length = Math.Min(255, data.Length - offset);
            gif.WriteByte((byte)length);
            gif.Write(data, offset, length);
        }

        gif.WriteByte(0);
    }

    private static void WriteUInt16(Stream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
        stream.Write(bytes);
    }

    /// <summary>Packs codes least significant bit first, as GIF's LZW stream does.</summary>
    private sealed class BitWriter
    {
        private readonly List<byte> bytes = [];
        private int buffer;
        private int count;

        public void Write(int code, int width)
        {
            buffer |= code << count;
            count += width;
            while (count >= 8)
            {
                bytes.Add((byte)buffer);
                buffer >>= 8;
                count -= 8;
            }
        }

        public byte[] ToArray() => count > 0 ? [.. bytes, (byte)buffer] : [.. bytes];
    }
}
