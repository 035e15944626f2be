using SkiaSharp;

namespace Fer.Benchmarks;

/// <summary>
/// Folders of photos made on the spot from the sample photos (nothing to ship): each photo as it is, then re-encoded
/// at smaller sizes and mirrored, until the folder holds the count asked for.
/// </summary>
internal static class PhotoFolders
{
    /// <summary>Portraits: one face each, from biden_7mpx (2400x3000) down to half its size.</summary>
    public static List<byte[]> Portraits(string photosDirectory, int count) => Variants(Path.Combine(photosDirectory, "biden_7mpx.jpg"), [1.0, 0.75, 0.5], count);

    /// <summary>Group photos: group_10mpx (4844x2022, 31 faces) and a 90 % copy, where the same faces stay findable.</summary>
    public static List<byte[]> Groups(string photosDirectory, int count) => Variants(Path.Combine(photosDirectory, "group_10mpx.jpg"), [1.0, 0.9], count);

    private static List<byte[]> Variants(string path, double[] scales, int count)
    {
        var original = File.ReadAllBytes(path);
        using var decoded = SKBitmap.Decode(original);
        var variants = new List<byte[]> { original };
        foreach (var scale in scales)
        {
            foreach (var mirrored in new[] { false, true })
            {
                if (scale == 1.0 && !mirrored)
                {
                    continue; // the original itself
                }

                variants.Add(Encode(decoded, scale, mirrored));
            }
        }

        return [.. Enumerable.Range(0, count).Select(i => variants[i % variants.Count])];
    }

    /// <summary>A smaller and/or mirrored copy, as a quality 90 JPEG.</summary>
    private static byte[] Encode(SKBitmap source, double scale, bool mirrored)
    {
        var info = new SKImageInfo((int)Math.Round(source.Width * scale), (int)Math.Round(source.Height * scale));
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        if (mirrored)
        {
            canvas.Scale(-1, 1, info.Width / 2f, 0);
        }

        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, new SKRect(0, 0, info.Width, info.Height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
