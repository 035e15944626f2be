using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Fer.Benchmarks;

/// <summary>
/// One benchmark in a child process (this program again with <c>--child NAME ARG --child-out FILE</c>), so that a native
/// crash inside it (libtorch, oneDNN) is reported as a skipped line instead of ending the whole run.
/// </summary>
internal static class ChildRun
{
    public const string Switch = "--child";
    private const string OutSwitch = "--child-out";

    /// <summary>Runs <paramref name="name"/> with <paramref name="argument"/> in a child; the timing it wrote, or why there is none.</summary>
    public static (Timing? Timing, string? Skipped) Run(string name, string argument, bool quick, TimeSpan timeout)
    {
        var outFile = Path.Combine(Path.GetTempPath(), $"fer-bench-child-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false };
        // Under "dotnet Fer.Benchmarks.dll" the process is the dotnet host: pass the program again.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildRun).Assembly.Location);
        }

        foreach (var a in (string[])[Switch, name, argument, OutSwitch, outFile])
        {
            start.ArgumentList.Add(a);
        }

        if (quick)
        {
            start.ArgumentList.Add("--quick");
        }

        try
        {
            using var child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the benchmark's child process.");
            if (!child.WaitForExit(timeout))
            {
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
                return (null, $"skipped: timed out after {timeout.TotalMinutes:F0} min");
            }

            return child.ExitCode switch
            {
                0 when File.Exists(outFile) => (JsonSerializer.Deserialize<Timing>(File.ReadAllText(outFile)), null),
                // .NET reports a child killed by signal N as exit code 128 + N.
                > 128 and < 160 => (null, $"skipped: crashed with signal {child.ExitCode - 128}{SignalName(child.ExitCode - 128)}"),
                var code => (null, $"skipped: exited with code {code.ToString(CultureInfo.InvariantCulture)}"),
            };
        }
        finally
        {
            File.Delete(outFile);
        }
    }

    /// <summary>The child's side: runs the named benchmark in this process and writes its timing; the exit code.</summary>
    public static int RunChild(string[] args)
    {
        var name = args.SkipWhile(a => a != Switch).Skip(1).FirstOrDefault();
        var argument = args.SkipWhile(a => a != Switch).Skip(2).FirstOrDefault();
        var outFile = args.SkipWhile(a => a != OutSwitch).Skip(1).FirstOrDefault();
        if (name is null || argument is null || outFile is null)
        {
            Console.Error.WriteLine($"usage: {Switch} NAME ARG {OutSwitch} FILE [--quick]");
            return 2;
        }

        var timing = name switch
        {
            TrainingBenchmark.ChildName => TrainingBenchmark.RunSize(argument, args.Contains("--quick")),
            _ => null,
        };
        if (timing is null)
        {
            Console.Error.WriteLine($"Unknown child benchmark '{name}'.");
            return 2;
        }

        File.WriteAllText(outFile, JsonSerializer.Serialize(timing));
        return 0;
    }

    private static string SignalName(int signal) => signal switch
    {
        4 => " (SIGILL)",
        6 => " (SIGABRT)",
        7 => " (SIGBUS)",
        8 => " (SIGFPE)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        _ => string.Empty,
    };
}
