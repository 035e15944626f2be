namespace Fer.Inference.FaceDetection;

/// <summary>The anchors, float32 little-endian [anchors, 4] as (ymin, xmin, ymax, xmax) in 0..1 of the square input.</summary>
public sealed record AnchorsFile
{
    public string File { get; init; } = "anchors.bin";

    public required string Sha256 { get; init; }

    public long Bytes { get; init; }
}
