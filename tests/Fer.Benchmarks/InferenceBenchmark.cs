using Fer.Inference.Classification;
using Fer.Inference.Models;
using Fer.Training.Export;
using Fer.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Benchmarks;

/// <summary>
/// ONNX Runtime against TorchSharp eager, same architecture and input size: the demo model and ResNet-50 + Light
/// CBAM at 224, at several batch sizes and thread counts.
/// </summary>
internal static class InferenceBenchmark
{
    // The names in the timings' names and in the ratios' keys.
    private const string Demo = "demo";
    private const string ResNet50 = "resnet50+cbam 224";

    public static List<Timing> Run(string demoDirectory, string workDirectory, int runs)
    {
        var r50Dir = Path.Combine(workDirectory, "r50");
        using (var r50 = FerModelFactory.Create(new FerModelOptions { Depth = ResNetDepth.ResNet50, Cbam = CbamPlacement.Light }, 7))
        {
            ModelVersionWriter.Write(r50, r50Dir, new ModelInput { Size = 224 }, null, DateTimeOffset.UtcNow);
        }

        var results = new List<Timing>();
        foreach (var (name, directory) in new[] { (Demo, demoDirectory), (ResNet50, r50Dir) })
        {
            var manifest = ModelManifest.Load(Path.Combine(directory, ModelManifest.FileName));
            var size = manifest.Input.Size;
            foreach (var threads in new[] { 1, 2 })
            {
                using var session = new OnnxLogitsSession(Path.Combine(directory, "model.onnx"), threads);
                foreach (var batch in new[] { 1, 8, 32 })
                {
                    var input = new float[batch * 3 * size * size];
                    var perRun = size >= 224 && batch == 32 ? Math.Max(3, runs / 3) : runs;
                    results.Add(Timing.Run($"ORT {name} batch {batch} threads {threads}", batch, 2, perRun, () => session.Run(input, batch)));
                }
            }

            // The same model without ONNX Runtime's layout transformation (Fer:GraphOptimization=extended), side by side.
            using (var extended = new OnnxLogitsSession(Path.Combine(directory, "model.onnx"), 2, graphOptimization: "extended"))
            {
                foreach (var batch in new[] { 1, 8 })
                {
                    var input = new float[batch * 3 * size * size];
                    results.Add(Timing.Run($"ORT {name} batch {batch} threads 2 extended", batch, 2, size >= 224 ? Math.Max(3, runs / 3) : runs, () => extended.Run(input, batch)));
                }
            }

            using var eager = EagerModel.FromManifest(manifest);
            torch.set_num_threads(2);
            foreach (var batch in new[] { 1, 8 })
            {
                using var input = randn(batch, 3, size, size);
                results.Add(Timing.Run($"TorchSharp eager {name} batch {batch} threads 2", batch, 2, runs, () =>
                {
                    using var noGrad = no_grad();
                    using var output = eager.call(input);
                }));
            }
        }

        return results;
    }

    /// <summary>ONNX Runtime (default and extended optimisation) over TorchSharp eager at batch 1, keyed as the JSON notes are.</summary>
    public static Dictionary<string, double> Ratios(IReadOnlyList<Timing> results)
    {
        var ratios = new Dictionary<string, double>();
        foreach (var name in new[] { Demo, ResNet50 })
        {
            var ort = results.First(r => r.Name == $"ORT {name} batch 1 threads 2");
            var eager = results.First(r => r.Name == $"TorchSharp eager {name} batch 1 threads 2");
            ratios[$"ort_over_torchsharp_batch1 {name}"] = ort.PerSecond / eager.PerSecond;
            ratios[$"ort_extended_over_torchsharp_batch1 {name}"] = results.First(r => r.Name == $"ORT {name} batch 1 threads 2 extended").PerSecond / eager.PerSecond;
        }

        return ratios;
    }
}
