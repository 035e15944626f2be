namespace Fer.Inference.FaceDetection;

/// <summary>
/// How boxes are decoded and kept (face-api's values): centres move by encoding / <see cref="CenterScale"/> times the
/// anchor size, sizes scale by exp(encoding / <see cref="SizeScale"/>); the face score is the sigmoid of class 1;
/// NMS keeps scores above <see cref="ScoreThreshold"/> and drops boxes overlapping a kept one by IoU above
/// <see cref="IouThreshold"/>.
/// </summary>
public sealed record FaceDetectorDecoding
{
    public float CenterScale { get; init; } = 10f;

    public float SizeScale { get; init; } = 5f;

    public double ScoreThreshold { get; init; } = 0.5;

    public double IouThreshold { get; init; } = 0.5;

    public int MaxResults { get; init; } = 100;
}
