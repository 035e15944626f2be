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
