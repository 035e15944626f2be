using System.Diagnostics;
using System.Globalization;

namespace Fer.Training.Training;

/// <summary>
/// A one-line progress bar with rate and ETA on a terminal; when output is redirected (a log file)
/// it prints a line every tenth of the way instead.
/// </summary>
public sealed class ProgressBar
{
    private readonly string label;
    private readonly int total;
    private readonly TextWriter writer;
    private readonly bool interactive;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private int lastDecile = -1;

    public ProgressBar(string label, int total, TextWriter? writer = null)
    {
        this.label = label;
        this.total = Math.Max(1, total);
        this.writer = writer ?? Console.Error;
        interactive = writer is null && !Console.IsErrorRedirected;
    }

    public double Rate(int done) => done / Math.Max(1e-9, clock.Elapsed.TotalSeconds);

    public void Report(int done, string details)
    {
        var rate = Rate(done);
        var eta = TimeSpan.FromSeconds(rate > 0 ? (total - done) / rate : 0);
        var fraction = Math.Min(1.0, (double)done / total);
        var text = string.Create(CultureInfo.InvariantCulture, $"{label} [{new string('#', (int)(fraction * 24)).PadRight(24, '.')}] {fraction,4:P0} {done}/{total} {rate,6:F1} img/s ETA {eta:mm\\:ss} {details}");
        if (interactive)
        {
            writer.Write("\r" + text.PadRight(Math.Min(Console.BufferWidth - 1, 140)));
            return;
        }

        var decile = (int)(fraction * 10);
        if (decile != lastDecile)
        {
            lastDecile = decile;
            writer.WriteLine(text);
        }
    }

    public void Finish(int done, string details)
    {
        Report(done, details);
        if (interactive)
        {
            writer.WriteLine();
        }
    }
}
