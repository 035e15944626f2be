using System.Text.Json.Serialization;
using Fer.Inference.FaceDetection;

namespace Fer.Inference.Models;

/// <summary>The preprocessing the model was trained with.</summary>
public sealed record ModelInput
{
    public string Name { get; init; } = "input";

    public int Size { get; init; } = 224;

    /// <summary>"rgb", or "gray" for grayscale replicated to three channels.</summary>
    public string Color { get; init; } = "rgb";

    public string Resize { get; init; } = "bilinear";

    public IReadOnlyList<float> Mean { get; init; } = [0.485f, 0.456f, 0.406f];

    public IReadOnlyList<float> Std { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// "histogram": the S x S face's grey levels (the luminance of a colour model) are histogram-equalised
    /// before scaling, so raw and already-equalised faces meet. Absent or "none": no equalisation.
    /// </summary>
    public string? Equalize { get; init; }

    [JsonIgnore]
    public bool EqualizesHistogram => Equalize == HistogramEqualization;

    /// <summary>
    /// How faces are found in what is served: "detect", "whole-image" (inputs already are face crops) or "auto"
    /// (see <see cref="FaceFinding"/>). Absent: the serving default, "detect"; folders written before it existed stay valid.
    /// </summary>
    public string? Faces { get; init; }

    /// <summary>
    /// The resolution of the training faces (FER2013: 48): a larger face is first averaged down to it, then resized to
    /// <see cref="Size"/> as the training faces were, so photos' faces reach the model as sharp as those it learnt from.
    /// Absent: resized straight to <see cref="Size"/>, as before.
    /// </summary>
    public int? NativeSize { get; init; }

    /// <summary>How a detected face is cut out (margin, shift); absent: <see cref="FaceCropGeometry.Default"/>, what serving did before.</summary>
    public FaceDetection.FaceCropGeometry? Crop { get; init; }

    [JsonIgnore]
    public FaceDetection.FaceCropGeometry CropGeometry => Crop ?? FaceDetection.FaceCropGeometry.Default;

    public const string HistogramEqualization = "histogram";

    public IEnumerable<string> Validate()
    {
        if (Size is < 8 or > 2048)
        {
            yield return $"input.size {Size} is outside 8..2048";
        }

        if (Color is not ("rgb" or "gray"))
        {
            yield return $"input.color '{Color}' is neither 'rgb' nor 'gray'";
        }

        if (Resize is not ("bilinear" or "nearest" or "bicubic"))
        {
            yield return $"input.resize '{Resize}' is not one of bilinear, nearest, bicubic";
        }

        if (Equalize is not (null or "none" or HistogramEqualization))
        {
            yield return $"input.equalize '{Equalize}' is neither 'histogram' nor 'none'";
        }

        if (Faces is not null && !FaceFinding.IsKnown(Faces))
        {
            yield return $"input.faces '{Faces}' is not one of {string.Join(", ", FaceFinding.All)}";
        }

        if (NativeSize is < 8 or > 2048)
        {
            yield return $"input.nativeSize {NativeSize} is outside 8..2048";
        }

        foreach (var problem in Crop?.Validate() ?? [])
        {
            yield return problem;
        }

        if (Mean is null || Mean.Count != 3 || Std is null || Std.Count != 3)
        {
            yield return "input.mean and input.std need three values each (R, G, B)";
        }
        else if (Std.Any(s => s <= 0))
        {
            yield return "input.std values must be positive";
        }
    }
}
