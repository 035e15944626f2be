using SkiaSharp;

namespace Fer.Benchmarks;

/// <summary>JPEGs of a given size made on the spot, for when no real image of that size is at hand.</summary>
internal static class SyntheticJpeg
{
    /// <summary>Random 4x4-pixel blocks (seeded, so every run decodes the same bytes) encoded at quality 90.</summary>
    public static byte[] Encode(int width, int height)
    {
        var random = new Random(1);
        using var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y += 4)
        {
            for (var x = 0; x < width; x += 4)
            {
                var color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                for (var dy = 0; dy < 4 && y + dy < height; dy++)
                {
                    for (var dx = 0; dx < 4 && x + dx < width; dx++)
                    {
                        bitmap.SetPixel(x + dx, y + dy, color);
                    }
                }
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
