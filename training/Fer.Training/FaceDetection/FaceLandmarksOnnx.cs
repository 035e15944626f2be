using Fer.Training.Onnx;

namespace Fer.Training.FaceDetection;

/// <summary>
/// Writes <see cref="FaceLandmark68Net"/> as ONNX opset 17 with the project's exporter: input <c>input</c> float32
/// [N, 3, 112, 112], output <c>landmarks</c> float32 [N, 136] (see the module for the layout).
/// </summary>
public static class FaceLandmarksOnnx
{
    public const string InputName = "input";
    public const string OutputName = "landmarks";

    public static void Write(FaceLandmark68Net model, IReadOnlyList<KeyValuePair<string, string>> metadata, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.eval();
        var graph = new OnnxGraph();
        var output = model.EmitOnnx(new OnnxExportContext(graph), InputName);
        graph.Node("Identity", [output], OutputName);
        var batch = OnnxDimension.Dynamic(OnnxExporter.BatchDimension);
        graph.WriteModel(destination, new OnnxModelInfo
        {
            GraphName = "face-api-face-landmark-68",
            InputName = InputName,
            InputShape = [batch, OnnxDimension.Fixed(3), OnnxDimension.Fixed(FaceLandmark68Net.InputSize), OnnxDimension.Fixed(FaceLandmark68Net.InputSize)],
            OutputName = OutputName,
            OutputShape = [batch, OnnxDimension.Fixed(FaceLandmark68Net.OutputWidth)],
            ProducerVersion = typeof(FaceLandmarksOnnx).Assembly.GetName().Version?.ToString() ?? "0",
            Metadata = metadata,
        });
    }
}
