using System.Diagnostics;

namespace Fer.Benchmarks;

/// <summary>Repeated timings of one operation: warm-up runs, then measured runs; medians are reported.</summary>
internal sealed record Timing(string Name, int ItemsPerRun, IReadOnlyList<double> Milliseconds)
{
    public double MedianMs => Percentile(0.5);

    public double P10Ms => Percentile(0.1);

    public double P90Ms => Percentile(0.9);

    /// <summary>Items per second at the median.</summary>
    public double PerSecond => ItemsPerRun * 1000 / MedianMs;

    public static Timing Run(string name, int itemsPerRun, int warmup, int runs, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (var i = 0; i < warmup; i++)
        {
            action();
        }

        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return new Timing(name, itemsPerRun, times);
    }

    private double Percentile(double q)
    {
        var sorted = Milliseconds.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var (low, high) = ((int)Math.Floor(position), (int)Math.Ceiling(position));
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }
}
