namespace Fer.Inference.Preprocessing;

/// <summary>
/// Decodes JPEG, PNG, BMP, GIF (first frame) and WebP to 8-bit RGB with EXIF orientation applied.
/// Transparent pixels are composited over black. Sizes are checked from the header before decoding, and the decode
/// waits for room in the limits' <see cref="DecodeBudget"/>.
/// </summary>
public static class ImageDecoder
{
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, ImageLimits? limits = null) =>
        DecodeReduced(encoded, limits, int.MaxValue, out _, out _);

    /// <summary>
    /// Decodes at the smallest size the format produces cheaply (see <see cref="EncodedImage"/>) whose longer side is
    /// still at least <paramref name="minLongSide"/>. <paramref name="fullWidth"/> and <paramref name="fullHeight"/>
    /// are the full image's size, orientation applied, for mapping back.
    /// </summary>
    public static RgbImage DecodeReduced(ReadOnlySpan<byte> encoded, ImageLimits? limits, int minLongSide, out int fullWidth, out int fullHeight)
    {
        limits ??= ImageLimits.Default;
        using var image = EncodedImage.Open(encoded, limits);
        (fullWidth, fullHeight) = (image.Width, image.Height);
        using var reserved = limits.Budget.Reserve(image.EstimateBytes(minLongSide));
        return image.Decode(minLongSide);
    }
}
