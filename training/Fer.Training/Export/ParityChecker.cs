using Fer.Inference.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Export;

/// <summary>Runs the same random inputs through TorchSharp (eval mode) and ONNX Runtime and compares the logits.</summary>
public static class ParityChecker
{
    public static ParityReport Check(nn.Module<Tensor, Tensor> model, string onnxPath, int imageSize, IReadOnlyList<int> batchSizes, long seed, double tolerance = ParityReport.DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batchSizes);
        model.eval();
        using var session = new OnnxLogitsSession(onnxPath);
        using var generator = new Generator((ulong)seed);
        var batches = new List<ParityBatch>();
        foreach (var batch in batchSizes)
        {
            using var scope = NewDisposeScope();
            var input = randn([batch, 3, imageSize, imageSize], generator: generator);
            float[] expected;
            using (no_grad())
            {
                expected = model.call(input).contiguous().data<float>().ToArray();
            }

            var actual = session.Run(input.contiguous().data<float>().ToArray(), batch);
            batches.Add(Compare(expected, actual, batch));
        }

        return new ParityReport
        {
            MaxAbsDiff = batches.Max(b => b.MaxAbsDiff),
            ArgmaxAgreement = batches.Sum(b => b.ArgmaxAgreement * b.Batch) / batches.Sum(b => b.Batch),
            Tolerance = tolerance,
            Batches = batches,
            Seed = seed,
        };
    }

    private static ParityBatch Compare(float[] expected, float[] actual, int batch)
    {
        if (expected.Length != actual.Length)
        {
            throw new InvalidDataException($"ONNX Runtime returned {actual.Length} logits for batch {batch}; TorchSharp returned {expected.Length}.");
        }

        var classes = expected.Length / batch;
        var maxDiff = 0.0;
        var agree = 0;
        for (var image = 0; image < batch; image++)
        {
            var row = image * classes;
            for (var c = 0; c < classes; c++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(expected[row + c] - actual[row + c]));
            }

            if (ArgMax(expected.AsSpan(row, classes)) == ArgMax(actual.AsSpan(row, classes)))
            {
                agree++;
            }
        }

        return new ParityBatch(batch, maxDiff, (double)agree / batch);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
