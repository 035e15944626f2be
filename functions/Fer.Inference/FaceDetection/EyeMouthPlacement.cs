namespace Fer.Inference.FaceDetection;

/// <summary>
/// A face's crop placed by its landmarks instead of the detector's box: a square whose side is <see cref="Side"/>
/// times the distance from the eyes' midpoint to the mouth's centre, centred <see cref="Centre"/> of the way from the
/// former to the latter (then turned by the eye line). The face's own proportions fix it, so a box that moves by a
/// few per cent (another detector, int8) moves the crop only as much as the landmarks move.
/// </summary>
public sealed record EyeMouthPlacement
{
    public double Side { get; init; }

    /// <summary>0 centres the square between the eyes, 1 on the mouth.</summary>
    public double Centre { get; init; }

    public IEnumerable<string> Validate()
    {
        if (!double.IsFinite(Side) || Side is < 0.5 or > 6)
        {
            yield return $"input.crop.landmarks.side {Side} is outside 0.5..6";
        }

        if (!double.IsFinite(Centre) || Centre is < -1 or > 2)
        {
            yield return $"input.crop.landmarks.centre {Centre} is outside -1..2";
        }
    }

    /// <summary>
    /// The square, in the pixels of the image the points are scaled to (<paramref name="scaleX"/>, <paramref name="scaleY"/>:
    /// from the landmarker's reduced copy to the full image); none without 68 points.
    /// </summary>
    public FaceBox? Square(IReadOnlyList<LandmarkPoint> points, double scaleX = 1, double scaleY = 1)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count != EyeLine.PointCount)
        {
            return null;
        }

        var eyes = Scaled(LandmarkPoint.Mean(points, 36, 48), scaleX, scaleY);
        var mouth = Scaled(LandmarkPoint.Mean(points, 48, 68), scaleX, scaleY);
        var distance = Math.Sqrt(Math.Pow(mouth.X - eyes.X, 2) + Math.Pow(mouth.Y - eyes.Y, 2));
        var side = Math.Max(1, (int)Math.Round(Side * distance));
        var (centreX, centreY) = (eyes.X + (Centre * (mouth.X - eyes.X)), eyes.Y + (Centre * (mouth.Y - eyes.Y)));
        return new FaceBox((int)Math.Round(centreX - (side / 2.0)), (int)Math.Round(centreY - (side / 2.0)), side, side);
    }

    private static LandmarkPoint Scaled(LandmarkPoint point, double scaleX, double scaleY) => new(point.X * scaleX, point.Y * scaleY);
}
