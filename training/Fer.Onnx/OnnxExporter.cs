using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Onnx;

/// <summary>
/// Exports an image classifier to ONNX opset 17 under the project's contract: input
/// <c>input</c> float32 [N,3,S,S] with a dynamic batch, output <c>logits</c> float32 [N,classes].
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "input";
    public const string OutputName = "logits";
    public const string BatchDimension = "N";

    /// <summary>Writes the ONNX model for <paramref name="model"/> (its eval-mode function) to <paramref name="destination"/>.</summary>
    public static void Export(
        nn.Module<Tensor, Tensor> model,
        int imageSize,
        int numClasses,
        IReadOnlyList<KeyValuePair<string, string>> metadata,
        Stream destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = new OnnxGraph();
        var context = new OnnxExportContext(graph);
        var output = model is IOnnxExportable root
            ? root.EmitOnnx(context, InputName)
            : throw new UnsupportedModuleException("(root)", model.GetType().FullName ?? model.GetType().Name, "the root module does not describe its own graph");
        graph.Node("Identity", [output], OutputName);

        graph.WriteModel(destination, new OnnxModelInfo
        {
            InputName = InputName,
            InputShape = [OnnxDimension.Dynamic(BatchDimension), OnnxDimension.Fixed(3), OnnxDimension.Fixed(imageSize), OnnxDimension.Fixed(imageSize)],
            OutputName = OutputName,
            OutputShape = [OnnxDimension.Dynamic(BatchDimension), OnnxDimension.Fixed(numClasses)],
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            Metadata = metadata,
        });
    }
}
