namespace Fer.FaceApiPort;

/// <summary>
/// Writes <see cref="SsdMobileNetV1"/> as ONNX opset 17 with the project's exporter: input <c>input</c> float32
/// [N, 3, 512, 512], output <c>predictions</c> float32 [N, 5118, 7] (see the module for the layout).
/// </summary>
public static class FaceDetectorOnnx
{
    public const string InputName = FaceNetworkExport.InputName;
    public const string OutputName = "predictions";

    public static void Write(SsdMobileNetV1 model, IReadOnlyList<KeyValuePair<string, string>> metadata, Stream destination) =>
        FaceNetworkExport.Write(model, "face-api-ssd-mobilenetv1", SsdMobileNetV1.InputSize, OutputName, [SsdMobileNetV1.AnchorCount, SsdMobileNetV1.OutputWidth], metadata, destination);
}
