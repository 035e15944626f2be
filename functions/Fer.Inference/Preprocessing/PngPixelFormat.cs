using System.Buffers.Binary;

namespace Fer.Inference.Preprocessing;

/// <summary>
/// How a PNG row's bytes become premultiplied RGBA: colour type (grey, RGB, palette, grey + alpha, RGBA), bit depth
/// (1 to 16; 16-bit samples keep their high byte), and the palette and tRNS transparency.
/// </summary>
internal sealed class PngPixelFormat
{
    private readonly int colorType;
    private readonly int bitDepth;
    private readonly int width;
    private readonly int channels;
    private byte[] palette = [];
    private byte[] paletteAlpha = [];
    private int[]? transparentSample;

    public PngPixelFormat(int colorType, int bitDepth, int width)
    {
        channels = colorType switch
        {
            0 or 3 => 1,
            2 => 3,
            4 => 2,
            6 => 4,
            _ => throw new ImageRejectedException(ImageErrorCodes.Corrupt, $"The PNG's colour type {colorType} does not exist: the file is damaged."),
        };
        var depthAllowed = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            _ => bitDepth is 8 or 16,
        };
        if (!depthAllowed)
        {
            // Sample() and Scale() rely on these depths (a depth of 0 would divide by zero).
            throw new ImageRejectedException(ImageErrorCodes.Corrupt, $"The PNG's bit depth {bitDepth} is not allowed with colour type {colorType}: the file is damaged.");
        }

        (this.colorType, this.bitDepth, this.width) = (colorType, bitDepth, width);
        Stride = checked((int)((((long)width * channels * bitDepth) + 7) / 8));
        FilterUnit = Math.Max(1, channels * bitDepth / 8);
    }

    /// <summary>Bytes per row, without the filter byte.</summary>
    public int Stride { get; }

    /// <summary>Bytes per pixel as the filters count them (at least one).</summary>
    public int FilterUnit { get; }

    public void SetPalette(ReadOnlySpan<byte> entries) => palette = entries.ToArray();

    /// <summary>tRNS: an alpha per palette entry, or the one grey or RGB sample value that is transparent.</summary>
    public void SetTransparency(ReadOnlySpan<byte> data)
    {
        if (colorType == 3)
        {
            paletteAlpha = data.ToArray();
        }
        else if (colorType is 0 or 2 && data.Length >= 2 * channels)
        {
            transparentSample = new int[channels];
            for (var c = 0; c < channels; c++)
            {
                transparentSample[c] = BinaryPrimitives.ReadUInt16BigEndian(data[(2 * c)..]);
            }
        }
    }

    public void ToPremultipliedRgba(byte[] row, byte[] rgba)
    {
        if (bitDepth == 8 && colorType == 2 && transparentSample is null)
        {
            // The common case, without the general path's per-pixel work: 8-bit RGB is already opaque RGBA minus the A.
            for (int source = 0, target = 0; target < rgba.Length; source += 3, target += 4)
            {
                (rgba[target], rgba[target + 1], rgba[target + 2], rgba[target + 3]) = (row[source], row[source + 1], row[source + 2], 255);
            }

            return;
        }

        Span<int> samples = stackalloc int[4];
        var max = (1 << bitDepth) - 1;
        for (var x = 0; x < width; x++)
        {
            for (var c = 0; c < channels; c++)
            {
                samples[c] = Sample(row, (x * channels) + c);
            }

            var (r, g, b, a) = colorType switch
            {
                0 => (Scale(samples[0], max), Scale(samples[0], max), Scale(samples[0], max), Transparent(samples) ? 0 : 255),
                2 => (Scale(samples[0], max), Scale(samples[1], max), Scale(samples[2], max), Transparent(samples) ? 0 : 255),
                3 => PaletteEntry(samples[0]),
                4 => (Scale(samples[0], max), Scale(samples[0], max), Scale(samples[0], max), Scale(samples[1], max)),
                _ => (Scale(samples[0], max), Scale(samples[1], max), Scale(samples[2], max), Scale(samples[3], max)),
            };
            var target = x * 4;
            rgba[target] = Premultiply(r, a);
            rgba[target + 1] = Premultiply(g, a);
            rgba[target + 2] = Premultiply(b, a);
            rgba[target + 3] = (byte)a;
        }
    }

    private static byte Premultiply(int value, int alpha) => (byte)(((value * alpha) + 127) / 255);

    /// <summary>A sample at full depth: bits packed from the high end for depths below 8, big-endian for 16.</summary>
    private int Sample(byte[] row, int index) => bitDepth switch
    {
        8 => row[index],
        16 => (row[2 * index] << 8) | row[(2 * index) + 1],
        _ => (row[index * bitDepth / 8] >> (8 - bitDepth - (index * bitDepth % 8))) & ((1 << bitDepth) - 1),
    };

    /// <summary>A sample scaled to 8 bits; 16-bit ones keep their high byte.</summary>
    private int Scale(int sample, int max) => bitDepth == 16 ? sample >> 8 : sample * 255 / max;

    private bool Transparent(Span<int> samples)
    {
        if (transparentSample is null)
        {
            return false;
        }

        for (var c = 0; c < channels; c++)
        {
            if (samples[c] != transparentSample[c])
            {
                return false;
            }
        }

        return true;
    }

    private (int R, int G, int B, int A) PaletteEntry(int index) =>
        (index * 3) + 2 < palette.Length
            ? (palette[index * 3], palette[(index * 3) + 1], palette[(index * 3) + 2], index < paletteAlpha.Length ? paletteAlpha[index] : 255)
            : throw new ImageRejectedException(ImageErrorCodes.Corrupt, $"A PNG pixel names palette entry {index}, which the palette does not have: the file is damaged.");
}
