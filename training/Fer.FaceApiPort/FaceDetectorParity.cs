namespace Fer.FaceApiPort;

/// <summary>Runs the same random inputs (uniform in -1..1, the scaled pixel range) through TorchSharp and ONNX Runtime and compares the raw predictions.</summary>
public static class FaceDetectorParity
{
    /// <summary>The largest absolute difference the export accepts: the logits reach about 20 and 30-odd float32 layers lie between.</summary>
    public const double Tolerance = 1e-3;

    public static double MaxAbsDiff(SsdMobileNetV1 model, string onnxPath, int batch, long seed) =>
        FaceNetworkExport.MaxAbsDiff(model, onnxPath, SsdMobileNetV1.InputSize, batch, seed, low: -1, width: 2);
}
