using System.Buffers.Binary;
using System.IO.Compression;

namespace Fer.Inference.Preprocessing;

/// <summary>
/// Reads a non-interlaced PNG a row at a time as premultiplied RGBA, for <see cref="BoxSampler"/>. SkiaSharp 3.119's
/// PNG codec decodes whole images only (its scanline decoding answers Unimplemented), so a large PNG would otherwise
/// exist in full before it could be shrunk. Skia still reads the header (size, EXIF orientation); this reads the pixels.
/// Colour profiles are not applied, as Skia does not apply them when decoding without a target colour space.
/// </summary>
internal static class PngRowReader
{
    private const int SignatureLength = 8;

    /// <summary>Whether <see cref="Read"/> takes this file: not interlaced (Adam7 needs the whole image before any row is final).</summary>
    public static bool CanRead(ReadOnlySpan<byte> png) => png.Length > 28 && png[28] == 0;

    /// <summary>Feeds every row, top-down, to <paramref name="sampler"/>; throws <see cref="ImageRejectedException"/> for damaged data.</summary>
    public static void Read(ReadOnlySpan<byte> png, BoxSampler sampler)
    {
        PngPixelFormat? format = null;
        var (width, height) = (0, 0);
        using var compressed = new MemoryStream(png.Length); // the pixel data never outgrows the file: one buffer, as the decode budget counts it
        for (var offset = SignatureLength; offset + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[offset..]);
            if (length < 0 || offset + 12L + length > png.Length)
            {
                break; // Skia has accepted the header: a damaged tail shows up below as missing rows
            }

            var type = png.Slice(offset + 4, 4);
            var data = png.Slice(offset + 8, length);
            offset += 12 + length;
            if (type.SequenceEqual("IHDR"u8))
            {
                (width, height) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]));
                format = new PngPixelFormat(data[9], data[8], width);
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                format?.SetPalette(data);
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                format?.SetTransparency(data);
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                compressed.Write(data);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }
        }

        if (format is null)
        {
            throw new ImageRejectedException(ImageErrorCodes.Corrupt, "The PNG has no header chunk: the file is damaged.");
        }

        compressed.Position = 0;
        using var rows = new ZLibStream(compressed, CompressionMode.Decompress);
        var (previous, current) = (new byte[format.Stride], new byte[format.Stride]);
        var rgba = new byte[width * 4];
        for (var y = 0; y < height; y++)
        {
            try
            {
                var filter = rows.ReadByte();
                if (filter < 0)
                {
                    throw new EndOfStreamException();
                }

                rows.ReadExactly(current);
                Unfilter(filter, current, previous, format.FilterUnit);
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
            {
                throw new ImageRejectedException(ImageErrorCodes.Corrupt, $"The PNG's pixel data ends or breaks at row {y} of {height}: the file is truncated or damaged.");
            }

            format.ToPremultipliedRgba(current, rgba);
            sampler.Add(y, rgba);
            (previous, current) = (current, previous);
        }
    }

    /// <summary>Undoes a row's filter (PNG specification, section 9) in place, against the row above.</summary>
    private static void Unfilter(int filter, byte[] row, byte[] above, int unit)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (var i = unit; i < row.Length; i++)
                {
                    row[i] += row[i - unit];
                }

                break;
            case 2:
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] += above[i];
                }

                break;
            case 3:
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] += (byte)(((i >= unit ? row[i - unit] : 0) + above[i]) / 2);
                }

                break;
            case 4:
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] += (byte)(i >= unit ? Paeth(row[i - unit], above[i], above[i - unit]) : above[i]);
                }

                break;
            default:
                throw new ImageRejectedException(ImageErrorCodes.Corrupt, $"A PNG row has filter type {filter}, which does not exist: the file is damaged.");
        }
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        var estimate = left + up - upLeft;
        var (toLeft, toUp, toUpLeft) = (Math.Abs(estimate - left), Math.Abs(estimate - up), Math.Abs(estimate - upLeft));
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }
}
