using Fer.Training.Training;
using SkiaSharp;

namespace Fer.Training.Reporting;

/// <summary>Draws the reliability diagram: per confidence bin, accuracy against confidence (the diagonal is perfect calibration).</summary>
public static class ReliabilityChart
{
    public const string FileName = "reliability.png";

    public static void Save(CalibrationReport report, string path, string title)
    {
        ArgumentNullException.ThrowIfNull(report);
        const int Size = 420;
        const int Left = 70;
        const int Top = 80;
        using var surface = SKSurface.Create(new SKImageInfo(Left + Size + 30, Top + Size + 60));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var titleFont = Fonts.Create(16);
        using var font = Fonts.Create(12);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true, StrokeWidth = 1 };
        using var bar = new SKPaint { Color = new SKColor(70, 110, 180), Style = SKPaintStyle.Fill };
        using var gap = new SKPaint { Color = new SKColor(220, 90, 80, 110), Style = SKPaintStyle.Fill };
        canvas.DrawText(title, 10, 24, titleFont, ink);
        var summary = $"ECE {report.ExpectedCalibrationError:F3}   n = {report.Images}" +
                      (report.UncertainBelow is { } t ? $"   uncertain below {t:F2}: confident {report.Coverage:P0} of faces, right on {report.ConfidentAccuracy:P1}" : string.Empty);
        canvas.DrawText(summary, 10, 48, font, ink);
        float X(double v) => (float)(Left + (v * Size));
        float Y(double v) => (float)(Top + Size - (v * Size));
        var width = Size / (float)report.Bins.Count;
        foreach (var bin in report.Bins.Where(b => b[1] > 0))
        {
            var (low, accuracy, confidence) = (bin[0], bin[2], bin[3]);
            canvas.DrawRect(SKRect.Create(X(low) + 1, Y(accuracy), width - 2, Y(0) - Y(accuracy)), bar);
            canvas.DrawRect(SKRect.Create(X(low) + 1, Y(Math.Max(accuracy, confidence)), width - 2, Math.Abs(Y(accuracy) - Y(confidence))), gap);
        }

        canvas.DrawLine(X(0), Y(0), X(1), Y(1), ink);
        canvas.DrawLine(X(0), Y(0), X(1), Y(0), ink);
        canvas.DrawLine(X(0), Y(0), X(0), Y(1), ink);
        if (report.UncertainBelow is { } threshold)
        {
            using var dashed = new SKPaint { Color = SKColors.DarkOrange, StrokeWidth = 2, PathEffect = SKPathEffect.CreateDash([6, 4], 0) };
            canvas.DrawLine(X(threshold), Y(0), X(threshold), Y(1), dashed);
        }

        for (var v = 0; v <= 10; v += 2)
        {
            canvas.DrawText($"{v / 10.0:F1}", X(v / 10.0), Y(0) + 18, SKTextAlign.Center, font, ink);
            canvas.DrawText($"{v / 10.0:F1}", X(0) - 8, Y(v / 10.0) + 4, SKTextAlign.Right, font, ink);
        }

        canvas.DrawText("confidence (blue: accuracy in the bin; red: the gap; orange: the uncertain threshold)", X(0), Y(0) + 40, font, ink);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }
}
