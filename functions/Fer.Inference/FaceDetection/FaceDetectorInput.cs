namespace Fer.Inference.FaceDetection;

/// <summary>
/// The input contract: RGB padded with zeros at the right or bottom to a square, resized to <see cref="Size"/> with
/// TF's legacy bilinear (<see cref="Resize"/>), then <c>x / Divisor - Subtract</c>, NCHW float32.
/// </summary>
public sealed record FaceDetectorInput
{
    public const string TfLegacyBilinear = "bilinear-tf-legacy";
    public const string PadBottomRight = "zeros-bottom-right";

    public string Name { get; init; } = "input";

    public int Size { get; init; } = 512;

    public string Pad { get; init; } = PadBottomRight;

    public string Resize { get; init; } = TfLegacyBilinear;

    public float Divisor { get; init; } = 127.5f;

    public float Subtract { get; init; } = 1f;
}
