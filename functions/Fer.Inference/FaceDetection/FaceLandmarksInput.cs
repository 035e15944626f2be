namespace Fer.Inference.FaceDetection;

/// <summary>
/// The input contract: the face cut from the image (its box clipped to the image, x, y, width and height floored),
/// padded with zeros to a centred square, resized to <see cref="Size"/> with TF's legacy bilinear, then
/// <c>(x - MeanRgb) / Divisor</c>, NCHW float32.
/// </summary>
public sealed record FaceLandmarksInput
{
    public const string PadCentred = "zeros-centred";

    public string Name { get; init; } = "input";

    public int Size { get; init; } = 112;

    public string Crop { get; init; } = "box clipped to the image, x, y, width, height floored";

    public string Pad { get; init; } = PadCentred;

    public string Resize { get; init; } = FaceDetectorInput.TfLegacyBilinear;

    public IReadOnlyList<float> MeanRgb { get; init; } = [122.782f, 117.001f, 104.298f];

    public float Divisor { get; init; } = 255f;
}
