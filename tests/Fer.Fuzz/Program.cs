using System.Globalization;
using System.Text.Json;

namespace Fer.Fuzz;

/// <summary>
/// <code>
/// dotnet run -c Release --project tests/Fer.Fuzz -- [--seed N] [--iterations N] [--seconds S] [--out DIR]
/// dotnet run -c Release --project tests/Fer.Fuzz -- seeds DIR     (writes the seed corpus, to look at)
/// </code>
/// The defaults come from FER_FUZZ_SEED (24), FER_FUZZ_ITERATIONS (<see cref="DefaultIterations"/>) and
/// FER_FUZZ_SECONDS (<see cref="DefaultSeconds"/>); the run stops at whichever limit comes first. Prints a
/// <see cref="FuzzReport"/> as JSON; exit code 0 with no findings, 1 with findings (saved under DIR/findings), 2 for usage.
/// A longer run, niced: <c>FER_FUZZ_SECONDS=600 FER_FUZZ_ITERATIONS=100000000 nice -n 10 dotnet run ...</c>.
/// </summary>
public static class Program
{
    public const string WorkerCommand = "worker";

    /// <summary>What FuzzTests runs in CI: 30 to 60 seconds on a 2-core machine (about 8,000 inputs a second idle).</summary>
    public const long DefaultIterations = 400_000;

    /// <summary>The bound on the CI run whatever the machine's speed: the inputs are then a prefix of the same sequence.</summary>
    public const int DefaultSeconds = 110;

    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is [WorkerCommand, var seed, var from, var to, var deadline, var folder])
        {
            return Worker.Run(Long(seed), Long(from), Long(to), DateTimeOffset.FromUnixTimeMilliseconds(Long(deadline)), folder);
        }

        if (args is ["seeds", var target])
        {
            Directory.CreateDirectory(target);
            foreach (var s in Seeds.All())
            {
                File.WriteAllBytes(Path.Combine(target, s.Name + s.Extension), s.Bytes);
            }

            return 0;
        }

        var options = new Dictionary<string, string>
        {
            ["--seed"] = Environment.GetEnvironmentVariable("FER_FUZZ_SEED") ?? "24",
            ["--iterations"] = Environment.GetEnvironmentVariable("FER_FUZZ_ITERATIONS") ?? $"{DefaultIterations}",
            ["--seconds"] = Environment.GetEnvironmentVariable("FER_FUZZ_SECONDS") ?? $"{DefaultSeconds}",
            ["--out"] = Path.Combine(Path.GetTempPath(), $"fer-fuzz-{Environment.ProcessId}"),
        };
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!options.ContainsKey(args[i]) || i + 1 >= args.Length)
            {
                await Console.Error.WriteLineAsync("usage: Fer.Fuzz [--seed N] [--iterations N] [--seconds S] [--out DIR] | seeds DIR");
                return 2;
            }

            options[args[i]] = args[i + 1];
        }

        var report = await Supervisor.RunAsync(Long(options["--seed"]), Long(options["--iterations"]), TimeSpan.FromSeconds(Long(options["--seconds"])), Path.GetFullPath(options["--out"]));
        Console.WriteLine(JsonSerializer.Serialize(report));
        return report.Findings.Count == 0 ? 0 : 1;
    }

    private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
