using Fer.Inference.Models;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// How faces are found in an image before classification (setting <c>Fer:FaceFinding</c>, manifest <c>input.faces</c>).
/// </summary>
public static class FaceFinding
{
    /// <summary>Run the face detector; every face found is classified; none found is a <c>no-face</c> rejection.</summary>
    public const string Detect = "detect";

    /// <summary>The image already is one face crop (FER2013, CK+ files): classified whole, no detector.</summary>
    public const string WholeImage = "whole-image";

    /// <summary>Detect; when nothing is found in an image no larger than a face crop would be, classify it whole and say so.</summary>
    public const string Auto = "auto";

    /// <summary>In <see cref="Auto"/>, images whose longer side is at most this are taken as face crops when no face is found.</summary>
    public const int AutoWholeImageMaxSide = 160;

    public static IReadOnlyList<string> All { get; } = [Detect, WholeImage, Auto];

    public static bool IsKnown(string? value) => value is Detect or WholeImage or Auto;

    /// <summary>The setting wins when given; otherwise the model's manifest; otherwise <see cref="Detect"/>.</summary>
    public static string Resolve(string? setting, ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!string.IsNullOrWhiteSpace(setting))
        {
            return IsKnown(setting)
                ? setting
                : throw new FerException($"The face finding setting (Fer:FaceFinding or --face-finding) is '{setting}'; it must be one of {string.Join(", ", All)}.");
        }

        return manifest.Input.Faces ?? Detect;
    }
}
