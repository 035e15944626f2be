using Fer.Inference;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;

namespace Fer.Benchmarks;

/// <summary>
/// The pipeline (fer process against Azurite) against raw inference at the same batch size. Steady state: a warm-up
/// pass first (connections, JIT; cold start is measured on its own), then the median of several passes, each over its
/// own freshly uploaded batch.
/// </summary>
internal static class PipelineBenchmark
{
    public static async Task RunAsync(BenchmarkReport report, string connectionString, FerOptions options, IReadOnlyList<string> sampleFiles, bool quick, int runs)
    {
        using var serving = new ServingComponents(new StorageConnection { ConnectionString = connectionString }, options);
        await serving.EnsureCreatedAsync();
        var count = quick ? 64 : 200;
        var passes = quick ? 3 : 5;
        foreach (var batch in Enumerable.Range(0, passes).Select(p => $"bench-{p}").Prepend("bench-warm-up"))
        {
            await SampleFaces.UploadAsync(serving.Faces, sampleFiles, batch, count);
        }

        await serving.Processor.ProcessAsync("bench-warm-up");
        var pipelineMs = new List<double>();
        for (var p = 0; p < passes; p++)
        {
            var run = await serving.Processor.ProcessAsync($"bench-{p}");
            if (run.Classified != count)
            {
                throw new InvalidOperationException($"The pipeline classified {run.Classified} of {count} images.");
            }

            pipelineMs.Add(run.Elapsed.TotalMilliseconds);
        }

        using var lease = await serving.Provider.AcquireAsync();
        var classifier = lease.Model;
        var bytes = sampleFiles.Select(File.ReadAllBytes).ToArray();
        var raw = Timing.Run("raw classify (decode + ORT) batch 8", 8, 2, runs, () => classifier.ClassifyBatch(Enumerable.Range(0, 8).Select(i => (ReadOnlyMemory<byte>)bytes[i % bytes.Length]).ToList()));
        var pipeline = new Timing($"pipeline fer process {count} images (Azurite) batch 8", count, pipelineMs);
        report.Results.Add(raw);
        report.Results.Add(pipeline);
        report.Notes["pipeline_over_raw_batch8"] = pipeline.PerSecond / raw.PerSecond;
    }
}
