using System.Diagnostics;
using Fer.Inference;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;

namespace Fer.Benchmarks;

/// <summary>
/// The blob-trigger path: one blob per invocation, four invocations at once (host.json's maxDegreeOfParallelism),
/// with concurrent invocations joined into shared ONNX Runtime calls and without.
/// </summary>
internal static class BlobTriggerBenchmark
{
    public static async Task RunAsync(BenchmarkReport report, string connectionString, FerOptions options, IReadOnlyList<string> sampleFiles, bool quick)
    {
        var count = quick ? 64 : 200;
        var passes = quick ? 3 : 5;
        var timings = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        foreach (var coalesce in new[] { false, true })
        {
            using var serving = new ServingComponents(new StorageConnection { ConnectionString = connectionString }, new FerOptions
            {
                ModelCacheDirectory = options.ModelCacheDirectory,
                ModelRefreshInterval = options.ModelRefreshInterval,
                FaceFinding = options.FaceFinding,
                CoalesceRequests = coalesce,
            });
            for (var p = -1; p < passes; p++)
            {
                var blobsOfPass = await SampleFaces.UploadAsync(serving.Faces, sampleFiles, $"trigger-{coalesce}-{p}", count);

                var clock = Stopwatch.StartNew();
                await Parallel.ForEachAsync(blobsOfPass, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (blob, ct) => await serving.Pipeline.ProcessAsync(blob, ct));
                if (p >= 0)
                {
                    timings[coalesce].Add(clock.Elapsed.TotalMilliseconds); // pass -1 warms up
                }
            }

            long calls, images;
            using (var lease = await serving.Provider.AcquireAsync())
            {
                (calls, images) = lease.Model.CoalescingStatistics;
            }
            if (coalesce)
            {
                report.Notes["trigger_mean_coalesced_batch"] = images / (double)Math.Max(1, calls);
            }
        }

        var separate = new Timing($"trigger path {count} blobs, 4 invocations at once, one ORT call each", count, timings[false]);
        var joined = new Timing($"trigger path {count} blobs, 4 invocations at once, calls joined", count, timings[true]);
        report.Results.Add(separate);
        report.Results.Add(joined);
        report.Notes["trigger_joined_over_separate"] = joined.PerSecond / separate.PerSecond;
    }
}
