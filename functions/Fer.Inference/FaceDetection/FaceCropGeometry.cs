namespace Fer.Inference.FaceDetection;

/// <summary>
/// How a detected face is cut out for the classifier: a square around the detector's box, widened by
/// <see cref="Margin"/> on every side and moved down by <see cref="ShiftY"/> (both shares of the box's longer
/// side; the move follows the eye line's turn). Declared by the model's manifest (<c>input.crop</c>), chosen
/// where the crops were measured to look like the model's training faces, so training and serving cannot drift.
/// With <see cref="Landmarks"/>, faces whose landmarks were found are placed by those instead, and the margin and
/// shift place only the others.
/// </summary>
public sealed record FaceCropGeometry
{
    /// <summary>What serving used before manifests declared a crop: a 10 % margin, centred on the box.</summary>
    public static FaceCropGeometry Default { get; } = new();

    public double Margin { get; init; } = FaceCrop.Margin;

    /// <summary>Negative moves the square up (towards the forehead), positive down (towards the chin).</summary>
    public double ShiftY { get; init; }

    /// <summary>Place faces by their landmarks (eyes and mouth) where the landmarker found them; null: by the box alone.</summary>
    public EyeMouthPlacement? Landmarks { get; init; }

    /// <summary>The geometry that cuts a landmark-placed square as it is: no margin, no shift.</summary>
    internal static FaceCropGeometry Exact { get; } = new() { Margin = 0 };

    /// <summary>The square's side for a box whose longer side is <paramref name="longSide"/>.</summary>
    public double Side(double longSide) => longSide * (1 + (2 * Margin));

    public IEnumerable<string> Validate()
    {
        // A negative margin cuts inside the detector's box (its box reaches past the brows and chin).
        if (!double.IsFinite(Margin) || Margin is < -0.4 or > 1)
        {
            yield return $"input.crop.margin {Margin} is outside -0.4..1";
        }

        if (!double.IsFinite(ShiftY) || ShiftY is < -0.5 or > 0.5)
        {
            yield return $"input.crop.shiftY {ShiftY} is outside -0.5..0.5";
        }

        foreach (var problem in Landmarks?.Validate() ?? [])
        {
            yield return problem;
        }
    }
}
