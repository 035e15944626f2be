using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Fer.Inference.Preprocessing;

namespace Fer.Fuzz;

/// <summary>What a finished worker (or the whole run) counted.</summary>
public sealed record FuzzCounts(long Inputs, long Rejected, long Decoded);

/// <summary>An input that broke a decoder: an exception other than a rejection, a native crash, a hang, or a broken promise about sizes.</summary>
public sealed record FuzzFinding(long Iteration, string Kind, string Seed, string Edits, string Message, string File);

/// <summary>
/// Decodes mutated inputs one after the other, through the service's own entry point (<see cref="ImageDecoder.DecodeReduced"/>:
/// header checks, the decode budget, the planned decode at a size asked) and reports what is not an
/// <see cref="ImageRejectedException"/>. Before each decode the input is written to <c>in-flight</c> in the run folder and
/// its iteration printed (<c>@N</c>; counts every thousand inputs, <c>=JSON</c>), so that the supervisor can keep an input that kills or hangs this process.
/// </summary>
public static class Worker
{
    /// <summary>Smaller than the service's 40 megapixels, so that a mutated header costs milliseconds, not seconds; the checks are the same code.</summary>
    public const long MaxPixels = 2_000_000;

    public const string InFlightFile = "in-flight";

    /// <summary>The exit code of a worker whose mutator (the fuzzer, not a decoder) threw.</summary>
    public const int FuzzerBroke = 3;

    public static int Run(long seed, long from, long to, DateTimeOffset deadline, string folder)
    {
        var corpus = Seeds.All();
        var mutator = new Mutator(corpus);
        var limits = new ImageLimits { MaxPixels = MaxPixels, Budget = new DecodeBudget(DecodeBudget.DefaultCapacityBytes) };
        var findings = Path.Combine(folder, "findings");
        Directory.CreateDirectory(findings);
        using var inFlight = new FileStream(Path.Combine(folder, InFlightFile), FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        var (inputs, rejected, decoded) = (0L, 0L, 0L);
        var clock = Stopwatch.StartNew();
        var dieAt = long.TryParse(Environment.GetEnvironmentVariable("FER_FUZZ_DIE_AT"), out var at) ? at : -1; // for the test of the supervisor
        for (var i = from; i < to && DateTimeOffset.UtcNow < deadline; i++)
        {
            var random = IterationRandom(seed, i);
            byte[] input;
            Seed origin;
            string edits;
            try
            {
                (input, origin, edits) = mutator.Mutate(random);
            }
#pragma warning disable CA1031 // a bug of the fuzzer's own, told apart from the decoders' findings
            catch (Exception e)
#pragma warning restore CA1031
            {
                Console.Error.WriteLine($"the mutator failed at iteration {i}: {e}");
                return FuzzerBroke;
            }

            var minLongSide = random.Next(10) switch { < 3 => int.MaxValue, < 5 => 1024, _ => 1 + random.Next(48) };
            inFlight.Position = 0;
            inFlight.Write(input);
            inFlight.SetLength(input.Length);
            inFlight.Flush(); // into the page cache: enough to outlive this process, which is all a native crash takes
            Console.Out.WriteLine($"@{i}");
            if (i == dieAt)
            {
                Environment.FailFast($"FER_FUZZ_DIE_AT={i}: ending the way a native crash does");
            }

            try
            {
                var problem = Decode(input, limits, minLongSide);
                if (problem is null)
                {
                    decoded++;
                }
                else
                {
                    Report(new FuzzFinding(i, "broken-promise", origin.Name, edits + $"; decoded for long side {minLongSide}", problem, Save(findings, "promise", origin, input)));
                }
            }
            catch (ImageRejectedException)
            {
                rejected++;
            }
#pragma warning disable CA1031 // every other exception is exactly what a fuzzer exists to catch and report
            catch (Exception e)
#pragma warning restore CA1031
            {
                Report(new FuzzFinding(i, "exception", origin.Name, edits + $"; decoded for long side {minLongSide}", e.ToString(), Save(findings, "exception", origin, input)));
            }

            inputs++;
            if (inputs % 1000 == 0)
            {
                Console.Out.WriteLine("=" + JsonSerializer.Serialize(new FuzzCounts(inputs, rejected, decoded)));
            }
        }

        Console.Out.WriteLine("=" + JsonSerializer.Serialize(new FuzzCounts(inputs, rejected, decoded)));
        Console.Error.WriteLine($"worker: {inputs:N0} inputs in {clock.Elapsed.TotalSeconds:N1} s");
        return 0;
    }

    /// <summary>Each iteration's own generator, so that iteration N is the same input whichever worker runs it.</summary>
    public static Random IterationRandom(long seed, long iteration) => new(unchecked((int)((seed * 1_000_003L) ^ (iteration * 7_919L))));

    /// <summary>The file name of a finding: its kind, its seed and the input's hash, so that the same input is saved once.</summary>
    public static string Save(string folder, string kind, Seed origin, byte[] input)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var hash = Convert.ToHexStringLower(SHA256.HashData(input))[..16];
        var file = Path.Combine(folder, $"{kind}-{origin.Name}-{hash}{origin.Extension}");
        File.WriteAllBytes(file, input);
        return file;
    }

    /// <summary>Null when the input decoded as promised; what was wrong otherwise. Rejections are thrown.</summary>
    private static string? Decode(byte[] input, ImageLimits limits, int minLongSide)
    {
        var image = ImageDecoder.DecodeReduced(input, limits, minLongSide, out var fullWidth, out var fullHeight);
        using var encoded = EncodedImage.Open(input, limits);
        var planned = encoded.DecodedSize(minLongSide);
        if ((image.Width, image.Height) != planned)
        {
            // The face locator sizes its reservations and crop boxes from DecodedSize.
            return $"decoded {image.Width}x{image.Height} where DecodedSize({minLongSide}) promised {planned.Width}x{planned.Height}";
        }

        if ((fullWidth, fullHeight) != (encoded.Width, encoded.Height) || image.Width > fullWidth || image.Height > fullHeight)
        {
            return $"decoded {image.Width}x{image.Height} of an image said to be {fullWidth}x{fullHeight}";
        }

        return null;
    }

    private static void Report(FuzzFinding finding) => Console.Out.WriteLine("!" + JsonSerializer.Serialize(finding));
}
