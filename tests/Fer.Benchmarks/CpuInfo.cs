namespace Fer.Benchmarks;

/// <summary>The processor the benchmarks ran on, so that runs on different machines are not compared by mistake.</summary>
internal static class CpuInfo
{
    /// <summary>The first "model name" of /proc/cpuinfo, or "unknown CPU" where there is none (not Linux).</summary>
    public static string ModelName()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    /// <summary>The 1, 5 and 15 minute load averages of /proc/loadavg: timings on a shared machine need them beside.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
