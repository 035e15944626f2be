namespace Fer.Inference.FaceDetection;

/// <summary>The raw output: [N, <see cref="Anchors"/>, 7], per anchor the box encodings (ty, tx, th, tw) then the class logits.</summary>
public sealed record FaceDetectorOutput
{
    public string Name { get; init; } = "predictions";

    public int Anchors { get; init; } = 5118;

    public string Layout { get; init; } = "per anchor: box encodings ty, tx, th, tw; class logits background, face, unused";
}
