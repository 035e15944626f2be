using System.Diagnostics;
using System.Text.Json;

namespace Fer.Fuzz;

/// <summary>The whole run, as <see cref="Supervisor"/> prints it (one JSON line on standard output).</summary>
/// <remarks><see cref="Rejected"/> and <see cref="Decoded"/> miss up to a thousand inputs of each worker that crashed; <see cref="Inputs"/> counts them all.</remarks>
public sealed record FuzzReport(long Seed, long Inputs, long Rejected, long Decoded, double Seconds, int Workers, string Folder, IReadOnlyList<FuzzFinding> Findings);

/// <summary>
/// Runs <see cref="Worker"/> in child processes over the iterations asked: a worker that dies (a native crash: the
/// reason for the child) or stops printing for <see cref="HangSeconds"/> is replaced by a new one from the next
/// iteration, and the input it was on is saved as a finding. Only the supervisor's own failures end the run early.
/// </summary>
public static class Supervisor
{
    public const int HangSeconds = 60;

    public static async Task<FuzzReport> RunAsync(long seed, long iterations, TimeSpan duration, string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "findings"));
        var clock = Stopwatch.StartNew();
        var deadline = DateTimeOffset.UtcNow + duration;
        var findings = new List<FuzzFinding>();
        var (inputs, rejected, decoded, workers) = (0L, 0L, 0L, 0);
        var next = 0L;
        while (next < iterations && DateTimeOffset.UtcNow < deadline)
        {
            workers++;
            var outcome = await RunWorkerAsync(seed, next, iterations, deadline, folder);
            findings.AddRange(outcome.Findings);
            var counts = outcome.Counts ?? new FuzzCounts(0, 0, 0); // the latest a worker printed: all of them when it finished
            (rejected, decoded) = (rejected + counts.Rejected, decoded + counts.Decoded);
            if (outcome.Finished)
            {
                inputs += counts.Inputs;
                break;
            }

            if (outcome.ExitCode == Worker.FuzzerBroke)
            {
                throw new InvalidOperationException($"The fuzzer itself failed: {outcome.Error}");
            }

            // The worker died or hung on iteration Last: keep that input, count what it did, go on after it.
            var last = outcome.Last ?? throw new InvalidOperationException($"A worker ended before its first input: {outcome.Error}");
            inputs += last - next + 1;
            var random = Worker.IterationRandom(seed, last);
            var (input, origin, edits) = new Mutator(Seeds.All()).Mutate(random);
            var saved = File.ReadAllBytes(Path.Combine(folder, Worker.InFlightFile));
            var kind = outcome.Hung ? "hang" : "crash";
            findings.Add(new FuzzFinding(last, kind, origin.Name, edits, outcome.Hung ? $"no progress for {HangSeconds} s" : $"the worker exited with {outcome.ExitCode}: {Tail(outcome.Error)}",
                Worker.Save(Path.Combine(folder, "findings"), kind, origin, saved.Length > 0 ? saved : input)));
            next = last + 1;
        }

        return new FuzzReport(seed, inputs, rejected, decoded, Math.Round(clock.Elapsed.TotalSeconds, 1), workers, folder, findings);
    }

    private static async Task<WorkerOutcome> RunWorkerAsync(long seed, long from, long to, DateTimeOffset deadline, string folder)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Supervisor).Assembly.Location);
        }

        foreach (var argument in new[] { Program.WorkerCommand, $"{seed}", $"{from}", $"{to}", $"{deadline.ToUnixTimeMilliseconds()}", folder })
        {
            start.ArgumentList.Add(argument);
        }

        using var worker = Process.Start(start) ?? throw new InvalidOperationException("The worker did not start.");
        var error = worker.StandardError.ReadToEndAsync();
        var findings = new List<FuzzFinding>();
        long? last = null;
        FuzzCounts? counts = null;
        var lastLine = Environment.TickCount64;
        var hung = false;
        using var stop = new CancellationTokenSource();
        var watchdog = Task.Run(async () =>
        {
            // One watchdog rather than a timer per line: workers print thousands of lines a second.
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                if (Environment.TickCount64 - Volatile.Read(ref lastLine) > HangSeconds * 1000L && !worker.HasExited)
                {
                    hung = true;
                    worker.Kill(entireProcessTree: true);
                    return;
                }
            }
        });
        while (await worker.StandardOutput.ReadLineAsync() is { } text)
        {
            Volatile.Write(ref lastLine, Environment.TickCount64);
            if (text.StartsWith('@'))
            {
                last = long.Parse(text.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (text.StartsWith('!'))
            {
                findings.Add(JsonSerializer.Deserialize<FuzzFinding>(text.AsSpan(1))!);
            }
            else if (text.StartsWith('='))
            {
                counts = JsonSerializer.Deserialize<FuzzCounts>(text.AsSpan(1));
            }
        }

        await worker.WaitForExitAsync();
        await stop.CancelAsync();
        await watchdog;
        return new WorkerOutcome(!hung && worker.ExitCode == 0, counts, last, hung, worker.ExitCode, await error, findings);
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];

    private sealed record WorkerOutcome(bool Finished, FuzzCounts? Counts, long? Last, bool Hung, int ExitCode, string Error, IReadOnlyList<FuzzFinding> Findings);
}
