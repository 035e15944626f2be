using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>Where a face's pixels came from.</summary>
public static class FaceSources
{
    public const string Detected = "detected";
    public const string WholeImage = "whole-image";
}

/// <summary>
/// One face to classify: its square crop at full resolution, its box in the original image, how it was found, and
/// the eye line's angle in degrees that the crop was turned by (none when not aligned: no landmarks, or a whole image).
/// </summary>
public sealed record LocatedFace(RgbImage Crop, FaceBox Box, double? DetectionScore, string Source, double? AlignedDegrees = null);

/// <summary>
/// The faces of one image (possibly none) and the image's size. <paramref name="Truncated"/>: the detector found as many
/// faces as it keeps (its manifest's <c>maxResults</c>), so the image may hold more than were returned.
/// </summary>
public sealed record LocatedFaces(int Width, int Height, IReadOnlyList<LocatedFace> Faces, bool Truncated = false);
