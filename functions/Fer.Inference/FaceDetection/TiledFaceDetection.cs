using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// Runs the detector on the overlapping tiles of a <see cref="TilePlan"/>, for an image whose faces the whole-image
/// pass shrinks too far: SSD sees every image at 512 px, so in a wide or large photo small faces come out a few pixels
/// tall and are missed. The tiles are cut from the detector's own reduced copy (at least 1024 px): a sharper copy
/// decoded for the tiles found the same faces at the cost of another decode.
/// </summary>
public static class TiledFaceDetection
{
    /// <summary>Full images with a longer side from this size are tiled whatever their shape.</summary>
    public const int LargeLongSide = 4096;

    /// <summary>Images at least this many times wider than tall (or taller than wide) are tiled.</summary>
    public const double WideAspect = 2;

    /// <summary>Whether an image of this full size is worth tiling when no smallest face is set (<see cref="TilePlan.For"/>).</summary>
    public static bool Helps(int width, int height)
    {
        var (longSide, shortSide) = (Math.Max(width, height), Math.Min(width, height));
        return shortSide >= TilePlan.MinTileSide && (longSide >= LargeLongSide || longSide >= WideAspect * shortSide);
    }

    /// <summary>
    /// The faces of <paramref name="image"/> found in the tiles of <paramref name="plan"/>, in its pixels. A face cut by a
    /// tile edge inside the image is dropped there: the overlap lets the neighbouring tile see it whole, and faces larger
    /// than that are the whole-image pass's.
    /// </summary>
    public static IReadOnlyList<DetectedFace> Detect(FaceDetector detector, RgbImage image, TilePlan plan)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(plan);
        var faces = new List<DetectedFace>();
        foreach (var tile in plan.Tiles)
        {
            var inTile = detector.Detect(Cut(image, tile));
            faces.AddRange(inTile
                .Where(face => !CutByInnerEdge(face, tile, image.Width, image.Height))
                .Select(face => face with { X = face.X + tile.Left, Y = face.Y + tile.Top }));
        }

        return faces;
    }

    /// <summary>
    /// A box reaching to within a quarter of its size of a tile edge that is not also the image's edge: the detector's
    /// box for a half-visible face often stops a few pixels short of the edge, and the neighbouring tile sees it whole.
    /// </summary>
    private static bool CutByInnerEdge(DetectedFace face, PixelRegion tile, int imageWidth, int imageHeight)
    {
        var (left, top, width, height) = (tile.Left, tile.Top, tile.Width, tile.Height);
        var (slackX, slackY) = (face.Width / 4, face.Height / 4);
        return (left > 0 && face.X <= slackX)
            || (top > 0 && face.Y <= slackY)
            || (left + width < imageWidth && face.X + face.Width >= width - slackX)
            || (top + height < imageHeight && face.Y + face.Height >= height - slackY);
    }

    private static RgbImage Cut(RgbImage image, PixelRegion tile)
    {
        var (left, top, width, height) = (tile.Left, tile.Top, tile.Width, tile.Height);
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            Array.Copy(image.Pixels, (((top + y) * image.Width) + left) * 3, pixels, y * width * 3, width * 3);
        }

        return new RgbImage(width, height, pixels);
    }
}
