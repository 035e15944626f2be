using Fer.Inference.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.FaceDetection;

/// <summary>Runs the same random inputs (uniform in -0.5..0.5, about the normalised pixel range) through TorchSharp and ONNX Runtime and compares the raw outputs.</summary>
public static class FaceLandmarksParity
{
    /// <summary>The largest absolute difference the export accepts: outputs are 0..1 of a 112-pixel square, so 1e-4 is about 0.01 px.</summary>
    public const double Tolerance = 1e-4;

    public static double MaxAbsDiff(FaceLandmark68Net model, string onnxPath, int batch, long seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.eval();
        using var session = new OnnxLogitsSession(onnxPath);
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var input = rand([batch, 3, FaceLandmark68Net.InputSize, FaceLandmark68Net.InputSize], generator: generator) - 0.5;
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
