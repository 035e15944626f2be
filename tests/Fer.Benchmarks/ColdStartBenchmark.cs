using System.Diagnostics;
using Fer.Inference.Classification;
using Fer.Inference.Storage;

namespace Fer.Benchmarks;

/// <summary>
/// Process start to the first classification, split into model download, session creation and first run. Runs
/// first, before anything else is warm.
/// </summary>
internal static class ColdStartBenchmark
{
    /// <summary>The "cold_start_ms" note: milliseconds of each stage and the model's size in bytes.</summary>
    public static async Task<object> RunAsync(ModelStore models, string downloadDirectory, string face)
    {
        var sinceProcessStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var clock = Stopwatch.StartNew();
        var pointer = await models.GetPointerAsync();
        var folder = await models.DownloadAsync(pointer!.Version, downloadDirectory);
        var download = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        using var cold = EmotionClassifier.Open(folder);
        var session = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        cold.Classify(File.ReadAllBytes(face));
        var firstRun = clock.Elapsed.TotalMilliseconds;
        return new
        {
            process_start_to_ready = sinceProcessStart.TotalMilliseconds + download + session + firstRun,
            runtime_and_azurite_start = sinceProcessStart.TotalMilliseconds,
            model_download = download,
            session_creation = session,
            first_run = firstRun,
            model_bytes = new FileInfo(Path.Combine(folder, "model.onnx")).Length,
        };
    }
}
