namespace Fer.Inference.FaceDetection;

/// <summary>A face's box in the original image's whole pixels (orientation applied), as the results report it.</summary>
public sealed record FaceBox(int X, int Y, int Width, int Height);
