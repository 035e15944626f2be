namespace Fer.FaceApiPort;

/// <summary>Runs the same random inputs (uniform in -0.5..0.5, about the normalised pixel range) through TorchSharp and ONNX Runtime and compares the raw outputs.</summary>
public static class FaceLandmarksParity
{
    /// <summary>The largest absolute difference the export accepts: outputs are 0..1 of a 112-pixel square, so 1e-4 is about 0.01 px.</summary>
    public const double Tolerance = 1e-4;

    public static double MaxAbsDiff(FaceLandmark68Net model, string onnxPath, int batch, long seed) =>
        FaceNetworkExport.MaxAbsDiff(model, onnxPath, FaceLandmark68Net.InputSize, batch, seed, low: -0.5, width: 1);
}
