namespace Fer.Inference.FaceDetection;

/// <summary>Where a face's pixels came from.</summary>
public static class FaceSources
{
    public const string Detected = "detected";
    public const string WholeImage = "whole-image";
}
