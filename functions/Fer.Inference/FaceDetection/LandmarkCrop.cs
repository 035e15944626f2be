namespace Fer.Inference.FaceDetection;

/// <summary>
/// The region face-api cuts out for the landmark net: the box clipped to the image (<c>clipAtImageBorders</c>),
/// then x, y, width and height each floored. Empty when the box lies outside the image.
/// </summary>
public readonly record struct LandmarkCrop(int X, int Y, int Width, int Height)
{
    public bool IsEmpty => Width <= 0 || Height <= 0;

    public static LandmarkCrop Of(DetectedFace face, int imageWidth, int imageHeight)
    {
        ArgumentNullException.ThrowIfNull(face);
        var x = Math.Max(face.X, 0);
        var y = Math.Max(face.Y, 0);
        var width = Math.Min(face.X + face.Width - x, imageWidth - x);
        var height = Math.Min(face.Y + face.Height - y, imageHeight - y);
        return new LandmarkCrop((int)Math.Floor(x), (int)Math.Floor(y), (int)Math.Floor(width), (int)Math.Floor(height));
    }
}
