using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fer.Fuzz;
using Fer.Inference.Preprocessing;
using Fer.Testing;

namespace Fer.Inference.Tests;

/// <summary>
/// Mutation fuzzing of every decoder path (tests/Fer.Fuzz), run as a child process so that a native crash fails a
/// test instead of killing the runner, and the inputs it has found so far, kept as regressions.
/// FER_FUZZ_ITERATIONS, FER_FUZZ_SECONDS and FER_FUZZ_SEED make the fuzzing test a longer run.
/// </summary>
public sealed class FuzzTests : IDisposable
{
    /// <summary>The CI run: a fixed seed, the fuzzer's default length (under a minute here, never more than two).</summary>
    private const long CiSeed = 24;

    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>The committed inputs that once broke a decoder (Fixtures/fuzz/regressions; README there).</summary>
    public static TheoryData<string> Regressions =>
        [.. Directory.GetFiles(RegressionFolder).Where(file => !file.EndsWith(".md", StringComparison.Ordinal)).Select(file => Path.GetFileName(file)).Order(StringComparer.Ordinal)];

    private static string RegressionFolder => Path.Combine(FaceApiReference.RepositoryRoot, "tests", "Fer.Inference.Tests", "Fixtures", "fuzz", "regressions");

    [Fact]
    public async Task Mutated_inputs_for_every_decoder_are_decoded_or_rejected_cleanly_in_a_child_process()
    {
        var iterations = Setting("FER_FUZZ_ITERATIONS", Fer.Fuzz.Program.DefaultIterations);
        var seconds = Setting("FER_FUZZ_SECONDS", Fer.Fuzz.Program.DefaultSeconds);
        var seed = Setting("FER_FUZZ_SEED", CiSeed);
        // Findings outlive the test's own temporary folder, so that a failure can be reproduced and the input kept.
        var folder = Path.Combine(Path.GetTempPath(), $"fer-fuzz-{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}");

        var (exitCode, report, error) = await RunFuzzerAsync(TimeSpan.FromSeconds(seconds + 120), "--seed", $"{seed}", "--iterations", $"{iterations}", "--seconds", $"{seconds}", "--out", folder);

        Assert.True(report is not null, $"the fuzzer exited with {exitCode} without a report: {error}");
        Assert.True(report.Findings.Count == 0, $"{report.Findings.Count} finding(s) in {report.Inputs:N0} inputs (seed {seed}); inputs saved in {folder}/findings:\n"
            + string.Join("\n", report.Findings.Take(20).Select(f => $"#{f.Iteration} {f.Kind} from {f.Seed} ({f.Edits}): {f.Message.Split('\n')[0]} -> {f.File}")));
        Assert.Equal(0, exitCode);
        Assert.InRange(report.Inputs, Math.Min(iterations, 5_000), iterations); // thousands at least, even on a slow machine
        Assert.True(report.Rejected > 0 && report.Decoded > 0, $"{report.Rejected} rejected and {report.Decoded} decoded: the mutations should give both");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_worker_that_dies_is_replaced_and_the_input_it_died_on_is_kept()
    {
        // FER_FUZZ_DIE_AT makes the worker end itself the way a native crash does (no exception, no report) at one
        // iteration: the run must go on after it and keep that iteration's input.
        var folder = temp.Sub("run");

        var (exitCode, report, error) = await RunFuzzerAsync(TimeSpan.FromMinutes(2), ["--seed", "5", "--iterations", "300", "--seconds", "60", "--out", folder], ("FER_FUZZ_DIE_AT", "123"));

        Assert.True(report is not null, $"the fuzzer exited with {exitCode} without a report: {error}");
        Assert.Equal(1, exitCode);
        var finding = Assert.Single(report.Findings);
        Assert.Equal((123, "crash"), (finding.Iteration, finding.Kind));
        Assert.Equal(new Mutator(Seeds.All()).Mutate(Worker.IterationRandom(5, 123)).Input, File.ReadAllBytes(finding.File));
        Assert.Equal(2, report.Workers);
        Assert.Equal(300, report.Inputs);
    }

    [Fact]
    public void Every_seed_decodes_in_full_and_reduced()
    {
        var seeds = Seeds.All();

        Assert.InRange(seeds.Sum(s => s.Bytes.Length), 1, 32 * 1024);
        foreach (var extension in new[] { ".png", ".jpg", ".gif", ".webp", ".bmp" })
        {
            Assert.Contains(seeds, s => s.Extension == extension);
        }

        Assert.All(seeds, seed =>
        {
            var full = ImageDecoder.DecodeReduced(seed.Bytes, null, int.MaxValue, out var width, out var height);
            var reduced = ImageDecoder.DecodeReduced(seed.Bytes, null, 5, out _, out _);
            Assert.Equal((width, height), (full.Width, full.Height));
            // JPEG scales by eighths, to the smallest that is at least as large; the others to exactly the size asked.
            Assert.InRange(Math.Max(reduced.Width, reduced.Height), 5, seed.Extension == ".jpg" ? Math.Max(width, height) : 5);
        });

        // The EXIF seeds are turned upright: their width and height swap.
        Assert.Equal((24, 40), Size(seeds.Single(s => s.Name == "jpeg-exif6")));
        Assert.Equal((13, 21), Size(seeds.Single(s => s.Name == "webp-exif8")));
    }

    [Theory]
    [MemberData(nameof(Regressions))]
    public void A_regression_input_is_rejected_cleanly_at_every_size(string file)
    {
        var input = File.ReadAllBytes(Path.Combine(RegressionFolder, file));

        foreach (var longSide in new[] { int.MaxValue, 1024, 48, 7, 1 })
        {
            var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.DecodeReduced(input, null, longSide, out _, out _));
            Assert.StartsWith("image-", error.Code, StringComparison.Ordinal);
        }
    }

    private static (int Width, int Height) Size(Seed seed)
    {
        var image = ImageDecoder.Decode(seed.Bytes);
        return (image.Width, image.Height);
    }

    private static long Setting(string name, long fallback) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static async Task<(int ExitCode, FuzzReport? Report, string Error)> RunFuzzerAsync(TimeSpan timeout, string[] arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Fer.Fuzz.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        try
        {
            await child.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            child.Kill(entireProcessTree: true);
            throw;
        }

        var text = (await output).Trim();
        return (child.ExitCode, text.StartsWith('{') ? JsonSerializer.Deserialize<FuzzReport>(text) : null, await error);
    }

    private static Task<(int ExitCode, FuzzReport? Report, string Error)> RunFuzzerAsync(TimeSpan timeout, params string[] arguments) => RunFuzzerAsync(timeout, arguments, []);
}
