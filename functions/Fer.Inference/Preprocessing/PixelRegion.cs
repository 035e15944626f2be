namespace Fer.Inference.Preprocessing;

/// <summary>A rectangle of whole pixels, <see cref="Right"/> and <see cref="Bottom"/> exclusive.</summary>
public readonly record struct PixelRegion(int Left, int Top, int Right, int Bottom)
{
    public int Width => Right - Left;

    public int Height => Bottom - Top;

    public bool IsEmpty => Width <= 0 || Height <= 0;

    public static PixelRegion Whole(int width, int height) => new(0, 0, width, height);

    /// <summary>The smallest region holding both.</summary>
    public PixelRegion Union(PixelRegion other) =>
        new(Math.Min(Left, other.Left), Math.Min(Top, other.Top), Math.Max(Right, other.Right), Math.Max(Bottom, other.Bottom));

    /// <summary>The part of this region inside a <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public PixelRegion ClipTo(int width, int height) =>
        new(Math.Clamp(Left, 0, width), Math.Clamp(Top, 0, height), Math.Clamp(Right, 0, width), Math.Clamp(Bottom, 0, height));
}

/// <summary>
/// Pixels decoded for a region of a larger decode: <see cref="Pixels"/> hold that decode's pixels from
/// (<see cref="Left"/>, <see cref="Top"/>) on, the region asked and possibly more around it; the whole decode when the
/// format cannot decode a region alone. The corner keeps the parity of the corner asked for (or is 0).
/// </summary>
public sealed record DecodedRegion(RgbImage Pixels, int Left, int Top);
