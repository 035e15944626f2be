using Fer.Training.Onnx;

namespace Fer.Training.FaceDetection;

/// <summary>
/// Writes <see cref="SsdMobileNetV1"/> as ONNX opset 17 with the project's exporter: input <c>input</c> float32
/// [N, 3, 512, 512], output <c>predictions</c> float32 [N, 5118, 7] (see the module for the layout).
/// </summary>
public static class FaceDetectorOnnx
{
    public const string InputName = "input";
    public const string OutputName = "predictions";

    public static void Write(SsdMobileNetV1 model, IReadOnlyList<KeyValuePair<string, string>> metadata, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.eval();
        var graph = new OnnxGraph();
        var output = model.EmitOnnx(new OnnxExportContext(graph), InputName);
        graph.Node("Identity", [output], OutputName);
        var batch = OnnxDimension.Dynamic(OnnxExporter.BatchDimension);
        graph.WriteModel(destination, new OnnxModelInfo
        {
            GraphName = "face-api-ssd-mobilenetv1",
            InputName = InputName,
            InputShape = [batch, OnnxDimension.Fixed(3), OnnxDimension.Fixed(SsdMobileNetV1.InputSize), OnnxDimension.Fixed(SsdMobileNetV1.InputSize)],
            OutputName = OutputName,
            OutputShape = [batch, OnnxDimension.Fixed(SsdMobileNetV1.AnchorCount), OnnxDimension.Fixed(SsdMobileNetV1.OutputWidth)],
            ProducerVersion = typeof(FaceDetectorOnnx).Assembly.GetName().Version?.ToString() ?? "0",
            Metadata = metadata,
        });
    }
}
