using SkiaSharp;

namespace Fer.Training.Reporting;

/// <summary>Two panels, loss and accuracy per epoch, train and validation, with the stage boundary marked.</summary>
public static class TrainingCurvesChart
{
    public static void Save(IReadOnlyList<EpochRecord> history, string path, string title)
    {
        ArgumentNullException.ThrowIfNull(history);
        const int PanelWidth = 520;
        const int PanelHeight = 340;
        using var surface = SKSurface.Create(new SKImageInfo((2 * PanelWidth) + 60, PanelHeight + 120));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var titleFont = Fonts.Create(20);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, 10, 30, titleFont, ink);

        var loss = new[] { history.Select(h => h.TrainLoss).ToArray(), history.Select(h => h.ValidationLoss).ToArray() };
        var accuracy = new[] { history.Select(h => h.TrainAccuracy).ToArray(), history.Select(h => h.ValidationAccuracy).ToArray() };
        // The first stage-2 epoch that follows a stage-1 epoch (0: no boundary to mark, e.g. stage 1 was skipped).
        var stageStart = Enumerable.Range(1, Math.Max(0, history.Count - 1)).FirstOrDefault(i => history[i].Stage == 2 && history[i - 1].Stage == 1);
        DrawPanel(canvas, SKRect.Create(50, 60, PanelWidth - 40, PanelHeight), "loss", loss, stageStart, 0, Math.Max(0.1, loss.SelectMany(s => s).DefaultIfEmpty(1).Max() * 1.05));
        DrawPanel(canvas, SKRect.Create(PanelWidth + 60, 60, PanelWidth - 40, PanelHeight), "accuracy", accuracy, stageStart, 0, 1);
        Png.Save(surface, path);
    }

    private static void DrawPanel(SKCanvas canvas, SKRect area, string name, double[][] series, int stageStart, double min, double max)
    {
        using var font = Fonts.Create(13);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var grid = new SKPaint { Color = new SKColor(220, 220, 220), StrokeWidth = 1, IsAntialias = true };
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        var epochs = series[0].Length;
        float X(int i) => area.Left + (epochs <= 1 ? 0 : area.Width * i / (epochs - 1));
        float Y(double v) => (float)(area.Bottom - (area.Height * (v - min) / (max - min)));

        for (var t = 0; t <= 5; t++)
        {
            var v = min + ((max - min) * t / 5);
            canvas.DrawLine(area.Left, Y(v), area.Right, Y(v), grid);
            canvas.DrawText($"{v:0.##}", area.Left - 6, Y(v) + 4, SKTextAlign.Right, font, ink);
        }

        canvas.DrawRect(area, axis);
        canvas.DrawText($"{name} per epoch", area.MidX, area.Top - 8, SKTextAlign.Center, font, ink);
        canvas.DrawText("epoch", area.MidX, area.Bottom + 34, SKTextAlign.Center, font, ink);
        for (var i = 0; i < epochs; i += Math.Max(1, epochs / 10))
        {
            canvas.DrawText($"{i + 1}", X(i), area.Bottom + 16, SKTextAlign.Center, font, ink);
        }

        if (stageStart > 0)
        {
            using var stage = new SKPaint { Color = new SKColor(150, 150, 150), StrokeWidth = 1, PathEffect = SKPathEffect.CreateDash([6, 4], 0) };
            var x = (X(stageStart - 1) + X(stageStart)) / 2;
            canvas.DrawLine(x, area.Top, x, area.Bottom, stage);
            canvas.DrawText("stage 2", x + 4, area.Top + 14, font, ink);
        }

        SKColor[] colors = [new SKColor(31, 119, 180), new SKColor(255, 127, 14)];
        string[] names = ["train", "validation"];
        for (var s = 0; s < series.Length; s++)
        {
            using var line = new SKPaint { Color = colors[s], StrokeWidth = 2.5f, Style = SKPaintStyle.Stroke, IsAntialias = true };
            using var path = new SKPath();
            for (var i = 0; i < epochs; i++)
            {
                if (i == 0)
                {
                    path.MoveTo(X(i), Y(series[s][i]));
                }
                else
                {
                    path.LineTo(X(i), Y(series[s][i]));
                }

                canvas.DrawCircle(X(i), Y(series[s][i]), 3, line);
            }

            canvas.DrawPath(path, line);
            using var legend = new SKPaint { Color = colors[s], IsAntialias = true };
            canvas.DrawRect(area.Right - 110, area.Top + 10 + (s * 20), 14, 10, legend);
            canvas.DrawText(names[s], area.Right - 90, area.Top + 20 + (s * 20), font, ink);
        }
    }
}

/// <summary>One epoch of a run, as kept in history.json and drawn in the curves.</summary>
public sealed record EpochRecord(
    int Stage,
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double ValidationLoss,
    double ValidationAccuracy,
    double ValidationMacroF1,
    double ImagesPerSecond,
    double Seconds,
    double LearningRate);
