namespace Fer.Inference.FaceDetection;

/// <summary>
/// The faces of one image (possibly none) and the image's size. <paramref name="Truncated"/>: the detector found as many
/// faces as it keeps (its manifest's <c>maxResults</c>), so the image may hold more than were returned.
/// </summary>
public sealed record LocatedFaces(int Width, int Height, IReadOnlyList<LocatedFace> Faces, bool Truncated = false);
