namespace Fer.Inference.FaceDetection;

/// <summary>A face found by the detector: its box in pixels of the image given to the detector, and its score (0..1).</summary>
public sealed record DetectedFace(double X, double Y, double Width, double Height, double Score);
