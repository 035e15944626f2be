using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// Runs the detector on overlapping tiles of an image whose faces the whole-image pass shrinks too far: SSD sees
/// every image at 512 px, so in a wide or large photo small faces come out a few pixels tall and are missed.
/// The tiles are cut from the detector's own reduced copy (at least 1024 px): a tile of a third of it is enlarged
/// at most 1.5 times, and a sharper copy decoded for the tiles found the same faces at the cost of another decode.
/// </summary>
public static class TiledFaceDetection
{
    /// <summary>Full images with a longer side from this size are tiled whatever their shape.</summary>
    public const int LargeLongSide = 4096;

    /// <summary>Images at least this many times wider than tall (or taller than wide) are tiled.</summary>
    public const double WideAspect = 2;

    /// <summary>Tiles narrower than this would be mostly upscaled noise (a 10000x1 line).</summary>
    private const int MinTileSide = 128;

    /// <summary>Whether an image of this full size is worth tiling.</summary>
    public static bool Helps(int width, int height)
    {
        var (longSide, shortSide) = (Math.Max(width, height), Math.Min(width, height));
        return shortSide >= MinTileSide && (longSide >= LargeLongSide || longSide >= WideAspect * shortSide);
    }

    /// <summary>
    /// The faces of <paramref name="image"/> found in its tiles, in its pixels. A face cut by a tile edge inside the
    /// image is dropped there: the overlap (<see cref="TiledFaces.Overlap"/>) lets the neighbouring tile see it whole,
    /// and faces larger than that are the whole-image pass's.
    /// </summary>
    public static TiledFaces Detect(FaceDetector detector, RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(image);
        var tile = TileSide(image.Width, image.Height);
        var faces = new List<DetectedFace>();
        foreach (var top in Starts(image.Height, tile))
        {
            foreach (var left in Starts(image.Width, tile))
            {
                var (width, height) = (Math.Min(tile, image.Width - left), Math.Min(tile, image.Height - top));
                var inTile = detector.Detect(Cut(image, left, top, width, height));
                faces.AddRange(inTile
                    .Where(face => !CutByInnerEdge(face, left, top, width, height, image.Width, image.Height))
                    .Select(face => face with { X = face.X + left, Y = face.Y + top }));
            }
        }

        return new TiledFaces(faces, Overlap(tile));
    }

    private static int Overlap(int tile) => tile / 4;

    /// <summary>
    /// About a third of the longer side (faces grow ~3x against the whole-image pass), never more than the shorter side
    /// (square tiles), nor less than a sixth of the longer side (at most ~8 tiles along it).
    /// </summary>
    private static int TileSide(int width, int height)
    {
        var (longSide, shortSide) = (Math.Max(width, height), Math.Min(width, height));
        return Math.Max((int)Math.Ceiling(longSide / 6.0), Math.Min(shortSide, (int)Math.Ceiling(longSide / 3.0)));
    }

    /// <summary>Evenly spaced tile starts covering 0..<paramref name="length"/>, neighbours overlapping by at least <see cref="Overlap"/>.</summary>
    private static IEnumerable<int> Starts(int length, int tile)
    {
        if (length <= tile)
        {
            return [0];
        }

        var step = tile - Overlap(tile);
        var count = 1 + (int)Math.Ceiling((double)(length - tile) / step);
        return Enumerable.Range(0, count).Select(i => (int)Math.Round((double)i * (length - tile) / (count - 1)));
    }

    /// <summary>
    /// A box reaching to within a quarter of its size of a tile edge that is not also the image's edge: the detector's
    /// box for a half-visible face often stops a few pixels short of the edge, and the neighbouring tile sees it whole.
    /// </summary>
    private static bool CutByInnerEdge(DetectedFace face, int left, int top, int width, int height, int imageWidth, int imageHeight)
    {
        var (slackX, slackY) = (face.Width / 4, face.Height / 4);
        return (left > 0 && face.X <= slackX)
            || (top > 0 && face.Y <= slackY)
            || (left + width < imageWidth && face.X + face.Width >= width - slackX)
            || (top + height < imageHeight && face.Y + face.Height >= height - slackY);
    }

    private static RgbImage Cut(RgbImage image, int left, int top, int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            Array.Copy(image.Pixels, (((top + y) * image.Width) + left) * 3, pixels, y * width * 3, width * 3);
        }

        return new RgbImage(width, height, pixels);
    }
}

/// <summary>Faces found in tiles, and the overlap of neighbouring tiles: faces up to that size are seen whole in some tile.</summary>
public sealed record TiledFaces(IReadOnlyList<DetectedFace> Faces, int Overlap);
