using Fer.Training.Model;
using Fer.Training.Training;
using static TorchSharp.torch;

namespace Fer.Benchmarks;

/// <summary>Training images/s on CPU: ResNet-50 + Light CBAM at 112 and 224, batch 8, Adam, one optimiser step per batch.</summary>
internal static class TrainingBenchmark
{
    public static List<Timing> Run(bool quick)
    {
        var results = new List<Timing>();
        foreach (var size in new[] { 112, 224 })
        {
            using var model = FerModelFactory.Create(new FerModelOptions { Depth = ResNetDepth.ResNet50, Cbam = CbamPlacement.Light }, 1);
            model.train();
            using var optimizer = optim.Adam(model.parameters(), lr: 1e-4);
            using var x = randn(8, 3, size, size);
            using var y = randint(0, 7, [8]);
            results.Add(Timing.Run($"train step resnet50+cbam {size} batch 8", 8, 1, quick ? 2 : 4, () =>
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                Trainer.SmoothedCrossEntropy(model.call(x), y, 0).backward();
                optimizer.step();
            }));
        }

        return results;
    }
}
