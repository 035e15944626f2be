namespace Fer.Inference.FaceDetection;

/// <summary>The raw output: [N, 2 * <see cref="Points"/>], x then y of each point in 0..1 of the square input.</summary>
public sealed record FaceLandmarksOutput
{
    public string Name { get; init; } = "landmarks";

    public int Points { get; init; } = 68;

    public string Layout { get; init; } = "x0, y0, x1, y1, ... in 0..1 of the padded square; iBUG 300-W point order";
}
