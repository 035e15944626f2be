using System.Buffers.Binary;

namespace Fer.Fuzz;

/// <summary>
/// Makes one mutated input from the corpus: one to four stacked edits, generic (bit flips, byte and integer sets,
/// inserted, deleted, duplicated ranges, truncation, splicing with another seed) or aware of the container (PNG
/// chunks, JPEG segments, RIFF chunks, GIF and BMP header fields: duplication, removal, length-field edits, a second
/// PNG header). Most PNGs get their CRCs fixed afterwards, or libpng would stop at the first changed chunk.
/// Deterministic: the same <see cref="Random"/> state gives the same input.
/// </summary>
public sealed class Mutator(IReadOnlyList<Seed> corpus)
{
    private static readonly int[] InterestingInts = [0, 1, 2, 7, 8, 13, 16, 127, 128, 255, 256, 1023, 1024, 4095, 32767, 32768, 65535, 65536, 0x7FFFFFFF, -1, -2, int.MinValue];
    private static readonly byte[] InterestingBytes = [0, 1, 2, 7, 8, 0x10, 0x20, 0x40, 0x7F, 0x80, 0xC0, 0xFE, 0xFF];
    private static readonly byte[] BitDepths = [1, 2, 4, 8, 16];
    private static readonly byte[] ColorTypes = [0, 2, 3, 4, 6];
    private static readonly int[] FrameFields = [4, 5, 7, 9, 10, 11, 12];

    public (byte[] Input, Seed Seed, string Edits) Mutate(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var seed = corpus[random.Next(corpus.Count)];
        var bytes = new List<byte>(seed.Bytes);
        var edits = new List<string>();
        var count = 1 + (random.Next(8) switch { < 4 => 0, < 6 => 1, 6 => 2, _ => 3 });
        for (var i = 0; i < count && bytes.Count > 0; i++)
        {
            edits.Add(random.Next(10) < 4 ? StructuralEdit(seed.Extension, bytes, random) : GenericEdit(bytes, random));
        }

        var input = bytes.ToArray();
        if (seed.Extension == ".png" && random.Next(10) < 8)
        {
            PngFile.FixCrcs(input);
            edits.Add("crc-fixed");
        }

        return (input, seed, string.Join(", ", edits));
    }

    private string GenericEdit(List<byte> bytes, Random random)
    {
        var at = random.Next(bytes.Count);
        switch (random.Next(9))
        {
            case 0:
                var bit = random.Next(8);
                bytes[at] ^= (byte)(1 << bit);
                return $"flip bit {bit} at {at}";
            case 1:
                bytes[at] = random.Next(2) == 0 ? InterestingBytes[random.Next(InterestingBytes.Length)] : (byte)random.Next(256);
                return $"set byte at {at} to {bytes[at]}";
            case 2:
                return SetInt(bytes, at, random);
            case 3:
                var inserted = Enumerable.Range(0, 1 + random.Next(16)).Select(_ => (byte)random.Next(256)).ToArray();
                bytes.InsertRange(at, inserted);
                return $"insert {inserted.Length} bytes at {at}";
            case 4:
                var removed = Math.Min(1 + random.Next(64), bytes.Count - at);
                bytes.RemoveRange(at, removed);
                return $"delete {removed} bytes at {at}";
            case 5:
                var length = Math.Min(1 + random.Next(128), bytes.Count - at);
                var copy = bytes.GetRange(at, length);
                var to = random.Next(bytes.Count + 1);
                bytes.InsertRange(to, copy);
                return $"duplicate {length} bytes from {at} to {to}";
            case 6:
                var keep = 1 + random.Next(bytes.Count);
                bytes.RemoveRange(keep, bytes.Count - keep);
                return $"truncate to {keep}";
            case 7:
                var other = corpus[random.Next(corpus.Count)];
                var from = random.Next(other.Bytes.Length);
                bytes.RemoveRange(at, bytes.Count - at);
                bytes.AddRange(other.Bytes.AsSpan(from).ToArray());
                return $"splice {other.Name} from {from} at {at}";
            default:
                var run = Math.Min(1 + random.Next(32), bytes.Count - at);
                var value = InterestingBytes[random.Next(InterestingBytes.Length)];
                for (var i = 0; i < run; i++)
                {
                    bytes[at + i] = value;
                }

                return $"fill {run} bytes at {at} with {value}";
        }
    }

    private static string SetInt(List<byte> bytes, int at, Random random, bool? bigEndian = null, int? width = null)
    {
        width ??= random.Next(2) == 0 ? 2 : 4;
        bigEndian ??= random.Next(2) == 0;
        if (at + width > bytes.Count)
        {
            return "no room for an integer";
        }

        var current = ReadInt(bytes, at, width.Value, bigEndian.Value);
        var value = random.Next(3) switch
        {
            0 => InterestingInts[random.Next(InterestingInts.Length)],
            1 => current + random.Next(-16, 17),
            _ => current * (random.Next(2) == 0 ? 2 : -1),
        };
        Span<byte> encoded = stackalloc byte[4];
        if (bigEndian.Value)
        {
            BinaryPrimitives.WriteInt32BigEndian(encoded, value);
            encoded = encoded[(4 - width.Value)..];
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(encoded, value);
            encoded = encoded[..width.Value];
        }

        for (var i = 0; i < width; i++)
        {
            bytes[at + i] = encoded[i];
        }

        return $"set {width}-byte {(bigEndian.Value ? "BE" : "LE")} int at {at} to {value}";
    }

    private static int ReadInt(List<byte> bytes, int at, int width, bool bigEndian)
    {
        var value = 0;
        for (var i = 0; i < width; i++)
        {
            var b = bytes[at + (bigEndian ? i : width - 1 - i)];
            value = (value << 8) | b;
        }

        return width == 2 ? (short)value : value;
    }

    private string StructuralEdit(string extension, List<byte> bytes, Random random) => extension switch
    {
        ".png" => PngEdit(bytes, random),
        ".jpg" => JpegEdit(bytes, random),
        ".webp" => RiffEdit(bytes, random),
        ".gif" => HeaderFieldEdit(bytes, random, GifFields(bytes)),
        ".bmp" => HeaderFieldEdit(bytes, random, BmpFields),
        _ => GenericEdit(bytes, random),
    };

    /// <summary>Chunk-level edits; a second IHDR (taller, narrower, or another format) is one of them.</summary>
    private string PngEdit(List<byte> bytes, Random random)
    {
        var chunks = PngFile.Chunks(bytes.ToArray());
        if (chunks.Count == 0)
        {
            return GenericEdit(bytes, random);
        }

        var (offset, length, type) = chunks[random.Next(chunks.Count)];
        var whole = 12 + length;
        var target = chunks[random.Next(chunks.Count)].Offset;
        switch (random.Next(6))
        {
            case 0:
                bytes.InsertRange(target, bytes.GetRange(offset, whole));
                return $"duplicate chunk {type} at {offset} to {target}";
            case 1:
                bytes.RemoveRange(offset, whole);
                return $"remove chunk {type} at {offset}";
            case 2:
                return "chunk length: " + SetInt(bytes, offset, random, bigEndian: true, width: 4);
            case 3:
                // A second header, most often sized like the first (the same width, more or fewer rows): a reader
                // that believed it over the first would size its rows and row count differently from the image's.
                var (width, height) = chunks[0].Type == "IHDR" && chunks[0].Length >= 8
                    ? (ReadInt(bytes, chunks[0].Offset + 8, 4, bigEndian: true), ReadInt(bytes, chunks[0].Offset + 12, 4, bigEndian: true))
                    : (21, 13);
                var header = PngFile.Header(
                    random.Next(3) switch { 0 => width, 1 => width + random.Next(-2, 3), _ => 1 + random.Next(2000) },
                    random.Next(3) switch { 0 => height * (2 + random.Next(8)), 1 => height + random.Next(-2, 3), _ => 1 + random.Next(2000) },
                    BitDepths[random.Next(BitDepths.Length)],
                    ColorTypes[random.Next(ColorTypes.Length)],
                    (byte)(random.Next(4) == 0 ? 1 : 0));
                bytes.InsertRange(target, PngFile.Chunk("IHDR", header));
                return $"insert IHDR {BinaryPrimitives.ReadInt32BigEndian(header)}x{BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4))} depth {header[8]} type {header[9]} at {target}";
            case 4:
                // Swap with the next chunk.
                var next = chunks.FindIndex(c => c.Offset == offset) + 1;
                if (next >= chunks.Count)
                {
                    return "no chunk to swap with";
                }

                var second = bytes.GetRange(chunks[next].Offset, 12 + chunks[next].Length);
                bytes.RemoveRange(chunks[next].Offset, second.Count);
                bytes.InsertRange(offset, second);
                return $"swap chunk {type} with {chunks[next].Type}";
            default:
                if (length == 0)
                {
                    return "empty chunk";
                }

                var at = offset + 8 + random.Next(length);
                return $"in {type}: " + (random.Next(2) == 0 ? SetInt(bytes, at, random, bigEndian: true) : FlipByte(bytes, at, random));
        }
    }

    /// <summary>Segment-level JPEG edits before the scan: duplication, removal, length fields, the frame's size and components.</summary>
    private string JpegEdit(List<byte> bytes, Random random)
    {
        var segments = new List<(int Offset, int Length, byte Marker)>();
        for (var offset = 2; offset + 4 <= bytes.Count && bytes[offset] == 0xFF;)
        {
            var marker = bytes[offset + 1];
            var length = (bytes[offset + 2] << 8) | bytes[offset + 3];
            segments.Add((offset, 2 + length, marker));
            if (marker == 0xDA)
            {
                break; // entropy-coded data follows
            }

            offset += 2 + length;
        }

        if (segments.Count == 0)
        {
            return GenericEdit(bytes, random);
        }

        var (at, size, kind) = segments[random.Next(segments.Count)];
        size = Math.Min(size, bytes.Count - at);
        switch (random.Next(5))
        {
            case 0:
                var to = segments[random.Next(segments.Count)].Offset;
                bytes.InsertRange(to, bytes.GetRange(at, size));
                return $"duplicate segment {kind:X2} to {to}";
            case 1:
                bytes.RemoveRange(at, size);
                return $"remove segment {kind:X2}";
            case 2:
                return $"segment {kind:X2} length: " + SetInt(bytes, at + 2, random, bigEndian: true, width: 2);
            case 3:
                var frame = segments.Find(s => s.Marker is 0xC0 or 0xC1 or 0xC2);
                // SOF: length, precision, height, width, component count, then 3 bytes per component.
                var field = FrameFields[random.Next(FrameFields.Length)];
                return frame.Length > 0 && frame.Offset + field + 2 <= bytes.Count
                    ? $"frame field {field}: " + (field is 5 or 7 ? SetInt(bytes, frame.Offset + field, random, bigEndian: true, width: 2) : FlipByte(bytes, frame.Offset + field, random))
                    : "no frame header";
            default:
                var inside = at + 4 + random.Next(Math.Max(1, size - 4));
                return inside < bytes.Count ? $"in segment {kind:X2}: " + FlipByte(bytes, inside, random) : "segment empty";
        }
    }

    /// <summary>RIFF edits (WebP): the file size, a chunk's size, a chunk duplicated or removed, bytes in VP8X or EXIF.</summary>
    private static string RiffEdit(List<byte> bytes, Random random)
    {
        var chunks = new List<(int Offset, int Size)>();
        for (var offset = 12; offset + 8 <= bytes.Count;)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.GetRange(offset + 4, 4).ToArray());
            if (size < 0 || offset + 8L + size > bytes.Count)
            {
                break;
            }

            chunks.Add((offset, 8 + size + (size % 2)));
            offset += 8 + size + (size % 2);
        }

        if (chunks.Count == 0 || random.Next(5) == 0)
        {
            return "RIFF size: " + SetInt(bytes, 4, random, bigEndian: false, width: 4);
        }

        var (at, length) = chunks[random.Next(chunks.Count)];
        length = Math.Min(length, bytes.Count - at);
        switch (random.Next(4))
        {
            case 0:
                return "chunk size: " + SetInt(bytes, at + 4, random, bigEndian: false, width: 4);
            case 1:
                bytes.InsertRange(chunks[random.Next(chunks.Count)].Offset, bytes.GetRange(at, length));
                return "duplicate a RIFF chunk";
            case 2:
                bytes.RemoveRange(at, length);
                return "remove a RIFF chunk";
            default:
                var inside = at + 8 + random.Next(Math.Max(1, Math.Min(length - 8, 24)));
                return inside + 3 < bytes.Count ? "in a RIFF chunk: " + SetInt(bytes, inside, random, bigEndian: false) : "chunk empty";
        }
    }

    /// <summary>The little-endian fields of a BMP's file and info headers: size, offset, header size, width, height, planes, depth, compression, image size, colours.</summary>
    private static readonly (int Offset, int Width)[] BmpFields = [(2, 4), (10, 4), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2), (30, 4), (34, 4), (46, 4), (50, 4)];

    /// <summary>GIF's logical screen size and flags, and each image descriptor's position, size and flags.</summary>
    private static (int Offset, int Width)[] GifFields(List<byte> bytes)
    {
        var fields = new List<(int, int)> { (6, 2), (8, 2), (10, 1), (11, 1) };
        var descriptor = bytes.Count > 13 ? bytes.IndexOf(0x2C, 13) : -1;
        if (descriptor > 0 && descriptor + 11 < bytes.Count)
        {
            fields.AddRange([(descriptor + 1, 2), (descriptor + 3, 2), (descriptor + 5, 2), (descriptor + 7, 2), (descriptor + 9, 1), (descriptor + 10, 1)]);
        }

        return [.. fields];
    }

    private static string HeaderFieldEdit(List<byte> bytes, Random random, (int Offset, int Width)[] fields)
    {
        var (offset, width) = fields[random.Next(fields.Length)];
        return offset + width <= bytes.Count
            ? width == 1 ? FlipByte(bytes, offset, random) : $"field at {offset}: " + SetInt(bytes, offset, random, bigEndian: false, width: width)
            : "field beyond the end";
    }

    private static string FlipByte(List<byte> bytes, int at, Random random)
    {
        bytes[at] = random.Next(2) == 0 ? InterestingBytes[random.Next(InterestingBytes.Length)] : (byte)(bytes[at] ^ (1 << random.Next(8)));
        return $"byte at {at} to {bytes[at]}";
    }
}
