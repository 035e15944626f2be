using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// Where the detector looks besides its whole-image pass: square, overlapping tiles of the detector's reduced copy,
/// each enlarged to the detector's input, so that small faces reach a size it finds. Chosen from the photo's size and
/// the smallest face that matters; none where the whole-image pass already sees such faces large enough.
/// </summary>
public sealed record TilePlan(int Side, int Overlap, IReadOnlyList<PixelRegion> Tiles)
{
    /// <summary>The detector's input side: every pass, whole image or tile, is resized to it.</summary>
    public const int DetectorSide = 512;

    /// <summary>
    /// The smallest face, in pixels of the detector's input, that the fp32 detector found reliably: every face of the
    /// group photo when its faces reached 26 px or more there (tiles of 404 px of its 1211 px copy), two or three of the
    /// 31 lost when they were 23 px or less (tiles of 450 px and more).
    /// </summary>
    public const int SmallestReliableFace = 26;

    /// <summary>Tiles narrower than this would be mostly upscaled noise (a 10000x1 line).</summary>
    internal const int MinTileSide = 128;

    /// <summary>At most about this many tiles along the longer side, however small the faces asked for.</summary>
    private const int MaxTilesAlong = 6;

    public static TilePlan None { get; } = new(0, 0, []);

    /// <summary>
    /// The tiles of a <paramref name="width"/> x <paramref name="height"/> detector copy of a
    /// <paramref name="fullWidth"/> x <paramref name="fullHeight"/> photo. With <paramref name="minFaceSide"/> (a face's
    /// longer side in the photo's pixels), tiles small enough that such a face reaches <see cref="SmallestReliableFace"/>
    /// at the detector's input, or none when the whole-image pass already shows it that large. Without it, the rule that
    /// found every face of the sample photos: wide (twice as wide as tall, or as tall as wide) or large (longer side from
    /// 4096 px) photos get tiles of about a third of the copy's longer side.
    /// </summary>
    public static TilePlan For(int width, int height, int fullWidth, int fullHeight, int? minFaceSide = null)
    {
        var (longSide, shortSide) = (Math.Max(width, height), Math.Min(width, height));
        if (shortSide < MinTileSide)
        {
            return None;
        }

        int side;
        if (minFaceSide is { } face)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(face, 1, nameof(minFaceSide));
            var fullLongSide = Math.Max(fullWidth, fullHeight);
            if ((double)face * DetectorSide / fullLongSide >= SmallestReliableFace)
            {
                return None;
            }

            var faceInCopy = (double)face * longSide / fullLongSide;
            side = Math.Min(shortSide, Math.Max(CeilDiv(longSide, MaxTilesAlong), (int)(DetectorSide * faceInCopy / SmallestReliableFace)));
        }
        else if (TiledFaceDetection.Helps(fullWidth, fullHeight))
        {
            // About a third of the longer side (faces grow ~3x against the whole-image pass), never more than the shorter
            // side (square tiles), nor less than a sixth of the longer side.
            side = Math.Max(CeilDiv(longSide, MaxTilesAlong), Math.Min(shortSide, CeilDiv(longSide, 3)));
        }
        else
        {
            return None;
        }

        side = Math.Max(side, MinTileSide);
        if (side >= longSide)
        {
            return None;
        }

        var overlap = side / 4;
        var tiles = new List<PixelRegion>();
        foreach (var top in Starts(height, side, overlap))
        {
            foreach (var left in Starts(width, side, overlap))
            {
                tiles.Add(new PixelRegion(left, top, Math.Min(left + side, width), Math.Min(top + side, height)));
            }
        }

        return new TilePlan(side, overlap, tiles);
    }

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    /// <summary>Evenly spaced tile starts covering 0..<paramref name="length"/>, neighbours overlapping by at least <paramref name="overlap"/>.</summary>
    private static IEnumerable<int> Starts(int length, int tile, int overlap)
    {
        if (length <= tile)
        {
            return [0];
        }

        var step = tile - overlap;
        var count = 1 + (int)Math.Ceiling((double)(length - tile) / step);
        return Enumerable.Range(0, count).Select(i => (int)Math.Round((double)i * (length - tile) / (count - 1)));
    }
}
