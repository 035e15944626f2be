namespace Fer.Inference.Preprocessing;

/// <summary>
/// Global histogram equalisation of 8-bit luminance (the classic FER step, as OpenCV's equalizeHist):
/// grey level v becomes round(255 * (cdf(v) - cdf_min) / (n - cdf_min)). A one-level image is left as it is.
/// </summary>
public static class HistogramEqualizer
{
    /// <summary>The 256-entry lookup table for these luminance values.</summary>
    public static byte[] LookupTable(ReadOnlySpan<byte> luma)
    {
        Span<int> histogram = stackalloc int[256];
        foreach (var v in luma)
        {
            histogram[v]++;
        }

        var table = new byte[256];
        var first = 0;
        while (first < 256 && histogram[first] == 0)
        {
            first++;
        }

        var (total, below) = (luma.Length, first < 256 ? histogram[first] : 0);
        if (total == below)
        {
            for (var v = 0; v < 256; v++)
            {
                table[v] = (byte)v;
            }

            return table;
        }

        var cumulative = 0;
        var scale = 255.0 / (total - below);
        for (var v = 0; v < 256; v++)
        {
            cumulative += histogram[v];
            table[v] = v < first ? (byte)0 : (byte)Math.Clamp(Math.Round((cumulative - below) * scale, MidpointRounding.AwayFromZero), 0, 255);
        }

        return table;
    }

    /// <summary>
    /// Equalises interleaved RGB pixels by their luminance (ITU-R 601). Grey pixels stay grey; a colour
    /// pixel gets the same shift on R, G and B, which keeps its chroma (Cb, Cr) and changes only Y.
    /// </summary>
    public static void EqualizeLuminanceInPlace(byte[] rgb)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        var luma = new byte[rgb.Length / 3];
        for (int i = 0, p = 0; p < luma.Length; i += 3, p++)
        {
            luma[p] = Luma(rgb[i], rgb[i + 1], rgb[i + 2]);
        }

        var table = LookupTable(luma);
        for (int i = 0, p = 0; p < luma.Length; i += 3, p++)
        {
            var shift = table[luma[p]] - luma[p];
            rgb[i] = (byte)Math.Clamp(rgb[i] + shift, 0, 255);
            rgb[i + 1] = (byte)Math.Clamp(rgb[i + 1] + shift, 0, 255);
            rgb[i + 2] = (byte)Math.Clamp(rgb[i + 2] + shift, 0, 255);
        }
    }

    /// <summary>ITU-R 601 luma, rounded as PIL's convert("L").</summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)(((r * 299) + (g * 587) + (b * 114) + 500) / 1000);
}
