namespace Fer.Inference.FaceDetection;

/// <summary>
/// The line through the eye centres of 68 landmarks (iBUG 300-W: points 36-41 are the eye on the image's left,
/// 42-47 the other), as an angle: positive when the line falls to the right, i.e. the face is turned clockwise.
/// </summary>
public static class EyeLine
{
    public const int PointCount = 68;

    /// <summary>The eye line's angle in degrees, with the points scaled by <paramref name="scaleX"/>, <paramref name="scaleY"/> (reduced decode to full image); none without 68 points.</summary>
    public static double? Degrees(IReadOnlyList<LandmarkPoint> points, double scaleX = 1, double scaleY = 1)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count != PointCount)
        {
            return null;
        }

        var left = LandmarkPoint.Mean(points, 36, 42);
        var right = LandmarkPoint.Mean(points, 42, 48);
        return Math.Atan2((right.Y - left.Y) * scaleY, (right.X - left.X) * scaleX) * 180 / Math.PI;
    }
}
