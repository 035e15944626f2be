namespace Fer.Inference.FaceDetection;

/// <summary>A facial landmark in pixels of the image given to the landmarker (68 of them, in iBUG 300-W order).</summary>
public readonly record struct LandmarkPoint(double X, double Y)
{
    /// <summary>The centre of points <paramref name="first"/> to <paramref name="end"/> (exclusive): an eye, the mouth.</summary>
    public static LandmarkPoint Mean(IReadOnlyList<LandmarkPoint> points, int first, int end)
    {
        ArgumentNullException.ThrowIfNull(points);
        var (x, y) = (0.0, 0.0);
        for (var i = first; i < end; i++)
        {
            (x, y) = (x + points[i].X, y + points[i].Y);
        }

        return new LandmarkPoint(x / (end - first), y / (end - first));
    }
}
