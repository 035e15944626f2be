using Fer.Inference.Models;
using Fer.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.FaceApiPort;

/// <summary>
/// What exporting the face networks (detector, landmarks) shares: writing a single-input, single-output graph with a
/// dynamic batch, and comparing TorchSharp with ONNX Runtime on seeded random inputs.
/// </summary>
internal static class FaceNetworkExport
{
    public const string InputName = "input";

    public static void Write<TModule>(TModule model, string graphName, int inputSize, string outputName, long[] outputShape,
        IReadOnlyList<KeyValuePair<string, string>> metadata, Stream destination)
        where TModule : nn.Module<Tensor, Tensor>, IOnnxExportable
    {
        ArgumentNullException.ThrowIfNull(model);
        model.eval();
        var graph = new OnnxGraph();
        var output = model.EmitOnnx(new OnnxExportContext(graph), InputName);
        graph.Node("Identity", [output], outputName);
        var batch = OnnxDimension.Dynamic(OnnxExporter.BatchDimension);
        graph.WriteModel(destination, new OnnxModelInfo
        {
            GraphName = graphName,
            InputName = InputName,
            InputShape = [batch, OnnxDimension.Fixed(3), OnnxDimension.Fixed(inputSize), OnnxDimension.Fixed(inputSize)],
            OutputName = outputName,
            OutputShape = [batch, .. outputShape.Select(OnnxDimension.Fixed)],
            ProducerVersion = typeof(FaceNetworkExport).Assembly.GetName().Version?.ToString() ?? "0",
            Metadata = metadata,
        });
    }

    /// <summary>The largest |TorchSharp - ONNX Runtime| over a seeded batch of inputs uniform in [low, low + width).</summary>
    public static double MaxAbsDiff(nn.Module<Tensor, Tensor> model, string onnxPath, int inputSize, int batch, long seed, double low, double width)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.eval();
        using var session = new OnnxLogitsSession(onnxPath);
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var input = (rand([batch, 3, inputSize, inputSize], generator: generator) * width) + low;
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
