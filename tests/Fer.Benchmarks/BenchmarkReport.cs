using System.Globalization;
using System.Text.Json;

namespace Fer.Benchmarks;

/// <summary>
/// Every timing and note of one benchmark run, printed as a table and written as JSON. Runs are compared with each
/// other, so the JSON keys, their order and the console lines stay as they are.
/// </summary>
internal sealed class BenchmarkReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public List<Timing> Results { get; } = [];

    /// <summary>Benchmarks that gave no timing (a child that crashed or timed out), by name, with the reason.</summary>
    public Dictionary<string, string> Skipped { get; } = [];

    /// <summary>Machine, cold start and ratios; written in the order they are added.</summary>
    public Dictionary<string, object?> Notes { get; } = new()
    {
        ["cpu"] = CpuInfo.ModelName(),
        ["cores"] = Environment.ProcessorCount,
        ["date_utc"] = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
    };

    public void Print(int runs)
    {
        Console.WriteLine($"Fer benchmarks on {Notes["cpu"]} ({Environment.ProcessorCount} cores); medians of {runs} runs unless noted.");
        Console.WriteLine($"{"benchmark",-58} {"median ms",10} {"p10",8} {"p90",8} {"items/s",9}");
        foreach (var r in Results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Name,-58} {r.MedianMs,10:F1} {r.P10Ms,8:F1} {r.P90Ms,8:F1} {r.PerSecond,9:F1}"));
        }

        foreach (var (name, reason) in Skipped)
        {
            Console.WriteLine($"{name,-58} {reason}");
        }

        foreach (var (key, value) in Notes.Where(n => n.Key.Contains("over", StringComparison.Ordinal) || n.Key.StartsWith("cold", StringComparison.Ordinal) || n.Key.StartsWith("trigger", StringComparison.Ordinal)))
        {
            Console.WriteLine($"{key}: {JsonSerializer.Serialize(value)}");
        }
    }

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            notes = Notes,
            results = Results.Select(r => new { name = r.Name, items_per_run = r.ItemsPerRun, median_ms = r.MedianMs, p10_ms = r.P10Ms, p90_ms = r.P90Ms, items_per_second = r.PerSecond, runs = r.Milliseconds.Count }),
            skipped = Skipped,
        }, Indented));
        Console.WriteLine($"Wrote {path}");
    }
}
