using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// One face to classify: its square crop at full resolution, its box in the original image, how it was found, and
/// the eye line's angle in degrees that the crop was turned by (none when not aligned: no landmarks, or a whole image).
/// </summary>
public sealed record LocatedFace(RgbImage Crop, FaceBox Box, double? DetectionScore, string Source, double? AlignedDegrees = null);
