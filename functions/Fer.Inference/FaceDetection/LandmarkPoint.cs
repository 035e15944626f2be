namespace Fer.Inference.FaceDetection;

/// <summary>A facial landmark in pixels of the image given to the landmarker (68 of them, in iBUG 300-W order).</summary>
public readonly record struct LandmarkPoint(double X, double Y);
