using Fer.Inference.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.FaceDetection;

/// <summary>Runs the same random inputs (uniform in -1..1, the scaled pixel range) through TorchSharp and ONNX Runtime and compares the raw predictions.</summary>
public static class FaceDetectorParity
{
    /// <summary>The largest absolute difference the export accepts: the logits reach about 20 and 30-odd float32 layers lie between.</summary>
    public const double Tolerance = 1e-3;

    public static double MaxAbsDiff(SsdMobileNetV1 model, string onnxPath, int batch, long seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.eval();
        using var session = new OnnxLogitsSession(onnxPath);
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var input = (rand([batch, 3, SsdMobileNetV1.InputSize, SsdMobileNetV1.InputSize], generator: generator) * 2) - 1;
        float[] expected;
        using (no_grad())
        {
            expected = model.call(input).contiguous().data<float>().ToArray();
        }

        var actual = session.Run(input.contiguous().data<float>().ToArray(), batch);
        if (actual.Length != expected.Length)
        {
            throw new InvalidDataException($"ONNX Runtime returned {actual.Length} values for batch {batch}; TorchSharp returned {expected.Length}.");
        }

        return expected.Zip(actual).Max(pair => (double)Math.Abs(pair.First - pair.Second));
    }
}
