using Fer.Inference;
using Fer.Training.Data;
using SkiaSharp;

namespace Fer.Training.Reporting;

/// <summary>
/// A contact sheet of what the model is fed: a few images per class of each split, after the shared
/// preprocessing (colour, resize, equalisation), before augmentation. Look at it before a long run.
/// </summary>
public static class SampleSheet
{
    public const string FileName = "samples.png";

    public static void Save(IReadOnlyList<(string Name, ImageCache Cache)> splits, string path, int perClass = 8, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(splits);
        const int Cell = 72;
        const int Left = 110;
        const int Header = 40;
        var labels = EmotionLabels.Canonical;
        var splitWidth = perClass * Cell;
        var (width, height) = (Left + (splits.Count * (splitWidth + 20)), Header + 30 + (labels.Count * Cell));
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = Fonts.Create(14);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText("Preprocessed inputs (before augmentation), first images of a seeded shuffle per class", 10, 24, font, ink);

        for (var s = 0; s < splits.Count; s++)
        {
            var (name, cache) = splits[s];
            var x0 = Left + (s * (splitWidth + 20));
            canvas.DrawText($"{name} ({cache.Count} images)", x0, Header + 18, font, ink);
            var random = new Random(seed);
            for (var label = 0; label < labels.Count; label++)
            {
                var y = Header + 30 + (label * Cell);
                if (s == 0)
                {
                    canvas.DrawText(labels[label], Left - 8, y + (Cell / 2), SKTextAlign.Right, font, ink);
                }

                var picks = Enumerable.Range(0, cache.Count).Where(i => cache.Labels[i] == label).OrderBy(_ => random.Next()).Take(perClass).ToList();
                for (var p = 0; p < picks.Count; p++)
                {
                    using var face = ToBitmap(cache, picks[p]);
                    canvas.DrawBitmap(face, SKRect.Create(x0 + (p * Cell), y, Cell - 2, Cell - 2));
                }
            }
        }

        Png.Save(surface, path);
    }

    private static SKBitmap ToBitmap(ImageCache cache, int index)
    {
        var rgb = cache.Image(index);
        var bitmap = new SKBitmap(new SKImageInfo(cache.Size, cache.Size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[cache.Size * cache.Size * 4];
        for (int source = 0, target = 0; source < rgb.Length; source += 3, target += 4)
        {
            (rgba[target], rgba[target + 1], rgba[target + 2], rgba[target + 3]) = (rgb[source], rgb[source + 1], rgb[source + 2], 255);
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }
}
