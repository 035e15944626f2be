namespace Fer.FaceApiPort;

/// <summary>
/// Writes <see cref="FaceLandmark68Net"/> as ONNX opset 17 with the project's exporter: input <c>input</c> float32
/// [N, 3, 112, 112], output <c>landmarks</c> float32 [N, 136] (see the module for the layout).
/// </summary>
public static class FaceLandmarksOnnx
{
    public const string InputName = FaceNetworkExport.InputName;
    public const string OutputName = "landmarks";

    public static void Write(FaceLandmark68Net model, IReadOnlyList<KeyValuePair<string, string>> metadata, Stream destination) =>
        FaceNetworkExport.Write(model, "face-api-face-landmark-68", FaceLandmark68Net.InputSize, OutputName, [FaceLandmark68Net.OutputWidth], metadata, destination);
}
