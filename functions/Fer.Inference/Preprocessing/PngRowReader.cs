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

    /// <summary>Where the header's interlace byte lies when the header is the first chunk, as PNG requires.</summary>
    private const int InterlaceOffset = SignatureLength + 8 + 12;

    /// <summary>Whether <see cref="Read"/> takes this file: not interlaced (Adam7 needs the whole image before any row is final).</summary>
    public static bool CanRead(ReadOnlySpan<byte> png) => HasHeaderFirst(png) && png[InterlaceOffset] == 0;

    /// <summary>Whether the file's first chunk is a header that says Adam7 interlacing.</summary>
    public static bool IsInterlaced(ReadOnlySpan<byte> png) => HasHeaderFirst(png) && png[InterlaceOffset] != 0;

    /// <summary>
    /// Why the file's chunk sequence cannot be trusted, or null: PNG allows one header (IHDR), as the first chunk. Skia
    /// reads the first header only, so with a second one further on, the size the limits and the decode budget checked
    /// is not the only size the file states. Chunks after IEND are never read by anyone, so they do not count.
    /// </summary>
    public static ImageRejectedException? HeaderProblem(ReadOnlySpan<byte> png)
    {
        if (!HasHeaderFirst(png))
        {
            return Damaged("its first chunk is not the header (IHDR)");
        }

        for (var offset = SignatureLength + 8 + 13 + 4; offset + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[offset..]);
            if (length < 0 || offset + 12L + length > png.Length)
            {
                return null; // a damaged tail is the decoders' to find, as missing rows
            }

            var type = png.Slice(offset + 4, 4);
            if (type.SequenceEqual("IHDR"u8))
            {
                return Damaged("it has more than one header chunk (IHDR)");
            }

            if (type.SequenceEqual("IEND"u8))
            {
                return null;
            }

            offset += 12 + length;
        }

        return null;
    }

    /// <summary>
    /// Feeds every row, top-down, to <paramref name="sampler"/>; throws <see cref="ImageRejectedException"/> for damaged
    /// data. The rows are those of the image the sampler was made for (the size Skia read, which the limits and the
    /// decode budget checked): a file whose header says anything else, or that has a second header, is rejected.
    /// </summary>
    public static void Read(ReadOnlySpan<byte> png, BoxSampler sampler)
    {
        if (!HasHeaderFirst(png))
        {
            throw Damaged("its first chunk is not the header (IHDR)");
        }

        var header = png.Slice(SignatureLength + 8, 13);
        var (width, height) = (BinaryPrimitives.ReadInt32BigEndian(header), BinaryPrimitives.ReadInt32BigEndian(header[4..]));
        if (width != sampler.SourceWidth || height != sampler.SourceHeight)
        {
            throw Damaged($"its header says {width}x{height} where the image was read as {sampler.SourceWidth}x{sampler.SourceHeight}");
        }

        if (header[10] != 0 || header[11] != 0 || header[12] != 0)
        {
            throw Damaged("its header names an unknown compression, filter or interlace method");
        }

        var format = new PngPixelFormat(header[9], header[8], width);
        using var compressed = new MemoryStream(png.Length); // the pixel data never outgrows the file: one buffer, as the decode budget counts it
        for (var offset = SignatureLength + 8 + 13 + 4; offset + 12 <= png.Length;)
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
                // A second header would size the rows differently from the image the limits, the budget and the
                // bitmap were sized for: such a file is malformed (PNG allows exactly one IHDR), never read.
                throw Damaged("it has more than one header chunk (IHDR)");
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                format.SetPalette(data);
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                format.SetTransparency(data);
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
            catch (Exception e) when (e is IOException or InvalidDataException) // IOException: EndOfStreamException, and ZLibException (a preset dictionary, say)
            {
                throw new ImageRejectedException(ImageErrorCodes.Corrupt, $"The PNG's pixel data ends or breaks at row {y} of {height}: the file is truncated or damaged.");
            }

            format.ToPremultipliedRgba(current, rgba);
            sampler.Add(y, rgba);
            (previous, current) = (current, previous);
        }
    }

    /// <summary>The signature, then a 13-byte IHDR as the first chunk.</summary>
    private static bool HasHeaderFirst(ReadOnlySpan<byte> png) =>
        png.Length >= SignatureLength + 8 + 13 + 4
        && BinaryPrimitives.ReadInt32BigEndian(png[SignatureLength..]) == 13
        && png.Slice(SignatureLength + 4, 4).SequenceEqual("IHDR"u8);

    private static ImageRejectedException Damaged(string why) =>
        new(ImageErrorCodes.Corrupt, $"The PNG cannot be read: {why}. The file is damaged or crafted.");

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
