using SkiaSharp;

namespace Fer.Training.Reporting;

/// <summary>Draws the confusion matrix as a PNG: cells shaded by the row-normalised rate, with count and percentage.</summary>
public static class ConfusionMatrixChart
{
    public static void Save(ClassificationMetrics metrics, string path, string title)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        const int Cell = 96;
        const int Left = 140;
        const int Top = 90;
        var k = metrics.Labels.Count;
        var (width, height) = (Left + (k * Cell) + 30, Top + (k * Cell) + 110);
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var titleFont = Fonts.Create(20);
        using var font = Fonts.Create(14);
        using var small = Fonts.Create(12);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var fill = new SKPaint { Style = SKPaintStyle.Fill };

        canvas.DrawText(title, 10, 30, titleFont, ink);
        canvas.DrawText($"accuracy {metrics.Accuracy:P1}   macro F1 {metrics.MacroF1:F3}   n = {metrics.Support}", 10, 55, font, ink);
        for (var t = 0; t < k; t++)
        {
            var rowTotal = Math.Max(1, metrics.Confusion[t].Sum());
            canvas.DrawText(metrics.Labels[t], Left - 8, Top + (t * Cell) + (Cell / 2) + 5, SKTextAlign.Right, font, ink);
            for (var p = 0; p < k; p++)
            {
                var rate = (double)metrics.Confusion[t][p] / rowTotal;
                fill.Color = Shade(rate);
                var rect = SKRect.Create(Left + (p * Cell), Top + (t * Cell), Cell - 2, Cell - 2);
                canvas.DrawRect(rect, fill);
                ink.Color = rate > 0.55 ? SKColors.White : SKColors.Black;
                canvas.DrawText($"{metrics.Confusion[t][p]}", rect.MidX, rect.MidY - 2, SKTextAlign.Center, font, ink);
                canvas.DrawText($"{rate:P0}", rect.MidX, rect.MidY + 16, SKTextAlign.Center, small, ink);
                ink.Color = SKColors.Black;
            }
        }

        for (var p = 0; p < k; p++)
        {
            canvas.DrawText(metrics.Labels[p], Left + (p * Cell) + (Cell / 2), Top + (k * Cell) + 20, SKTextAlign.Center, font, ink);
        }

        canvas.DrawText("predicted label", Left + (k * Cell / 2), Top + (k * Cell) + 50, SKTextAlign.Center, font, ink);
        canvas.DrawText("rows: true label; shade and % = row-normalised", Left + (k * Cell / 2), Top + (k * Cell) + 75, SKTextAlign.Center, small, ink);
        Png.Save(surface, path);
    }

    /// <summary>White to dark blue.</summary>
    private static SKColor Shade(double rate)
    {
        var r = (byte)(255 - (rate * (255 - 8)));
        var g = (byte)(255 - (rate * (255 - 48)));
        var b = (byte)(255 - (rate * (255 - 107)));
        return new SKColor(r, g, b);
    }
}

internal static class Png
{
    public static void Save(SKSurface surface, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var stream = File.Create(path);
        data.SaveTo(stream);
    }
}
