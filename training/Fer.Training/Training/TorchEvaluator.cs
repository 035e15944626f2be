using Fer.Inference.Preprocessing;
using Fer.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Training;

/// <summary>Eval-mode predictions of a TorchSharp model over a cached split.</summary>
public static class TorchEvaluator
{
    public sealed record Result(int[] Predicted, double Loss, double Accuracy);

    public static Result Evaluate(nn.Module<Tensor, Tensor> model, ImageCache cache, ImagePreprocessor preprocessor, Device device, int batchSize = 128)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cache);
        model.eval();
        var predicted = new int[cache.Count];
        var lossSum = 0.0;
        var index = 0;
        using var noGrad = no_grad();
        foreach (var batch in BatchLoader.Batches(cache, preprocessor, batchSize, shuffle: false, AugmentationOptions.None, seed: 0))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                var logits = model.call(batch.Inputs.to(device));
                var labels = batch.Labels.to(device);
                lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
                foreach (var p in logits.argmax(1).cpu().data<long>())
                {
                    predicted[index++] = (int)p;
                }
            }
        }

        var correct = predicted.Where((p, i) => p == cache.Labels[i]).Count();
        return new Result(predicted, lossSum / Math.Max(1, cache.Count), (double)correct / Math.Max(1, cache.Count));
    }
}
