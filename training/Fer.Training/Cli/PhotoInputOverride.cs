using System.Globalization;
using Fer.Inference;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;

namespace Fer.Training.Cli;

/// <summary>
/// A change to how photos' faces reach the model (<c>--crop-margin</c>, <c>--crop-shift</c>, <c>--crop-landmarks</c>,
/// <c>--native-size</c>): tried by <c>evaluate --photos</c>, declared in the manifest by <c>calibrate</c>. What is not
/// given keeps the manifest's.
/// </summary>
internal sealed record PhotoInputOverride(double? CropMargin, double? CropShift, int? NativeSize)
{
    public const string CropLandmarksHelp = "SIDE:CENTRE places faces by their landmarks: a square SIDE times the eyes-to-mouth distance, centred CENTRE of the way from the eyes to the mouth (e.g. 1.62:0.3); none: by the detector's box.";

    /// <summary>True when <see cref="Landmarks"/> replaces the manifest's placement (null: faces placed by their box).</summary>
    public bool ReplacesLandmarks { get; private init; }

    public EyeMouthPlacement? Landmarks { get; private init; }

    public bool ChangesCrop => (CropMargin ?? CropShift) is not null || ReplacesLandmarks;

    /// <summary>The options as given; <paramref name="cropLandmarks"/> (<c>SIDE:CENTRE</c> or <c>none</c>) is checked here, before any work.</summary>
    public static PhotoInputOverride Create(double? cropMargin, double? cropShift, int? nativeSize, string? cropLandmarks) =>
        new(cropMargin, cropShift, nativeSize)
        {
            ReplacesLandmarks = cropLandmarks is not null,
            Landmarks = cropLandmarks is null ? null : ParseLandmarks(cropLandmarks),
        };

    public bool IsEmpty => !ChangesCrop && NativeSize is null;

    /// <summary>The input with the given parts replaced; a native size of 0 removes the manifest's.</summary>
    public ModelInput Apply(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input with
        {
            Crop = !ChangesCrop ? input.Crop : new FaceCropGeometry
            {
                Margin = CropMargin ?? input.CropGeometry.Margin,
                ShiftY = CropShift ?? input.CropGeometry.ShiftY,
                Landmarks = ReplacesLandmarks ? Landmarks : input.CropGeometry.Landmarks,
            },
            NativeSize = NativeSize is 0 ? null : NativeSize ?? input.NativeSize,
        };
    }

    private static EyeMouthPlacement? ParseLandmarks(string text)
    {
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parts = text.Split(':');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var side)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var centre))
        {
            var placement = new EyeMouthPlacement { Side = side, Centre = centre };
            return placement.Validate().FirstOrDefault() is { } problem ? throw new FerException($"--crop-landmarks {text}: {problem}.") : placement;
        }

        throw new FerException($"--crop-landmarks is '{text}'; give SIDE:CENTRE (e.g. 1.62:0.3) or none.");
    }
}
