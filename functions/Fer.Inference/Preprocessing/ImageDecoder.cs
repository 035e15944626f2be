using SkiaSharp;

namespace Fer.Inference.Preprocessing;

/// <summary>
/// Decodes JPEG, PNG, BMP, GIF (first frame) and WebP to 8-bit RGB with EXIF orientation applied.
/// Transparent pixels are composited over black. Sizes are checked from the header before decoding.
/// </summary>
public static class ImageDecoder
{
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, ImageLimits? limits = null) =>
        DecodeReduced(encoded, limits, int.MaxValue, out _, out _);

    /// <summary>
    /// Decodes at the smallest size the codec produces directly (JPEG scales by k/8 inside its DCT, far cheaper
    /// than decoding in full and shrinking) whose longer side is still at least <paramref name="minLongSide"/>;
    /// formats that cannot scale while decoding come out in full. <paramref name="fullWidth"/> and
    /// <paramref name="fullHeight"/> are the full image's size, orientation applied, for mapping back.
    /// </summary>
    public static RgbImage DecodeReduced(ReadOnlySpan<byte> encoded, ImageLimits? limits, int minLongSide, out int fullWidth, out int fullHeight)
    {
        limits ??= ImageLimits.Default;
        if (encoded.IsEmpty)
        {
            throw new ImageRejectedException(ImageErrorCodes.Empty, "The file is empty (0 bytes).");
        }

        if (encoded.Length > limits.MaxEncodedBytes)
        {
            throw new ImageRejectedException(ImageErrorCodes.TooLarge, $"The file has {encoded.Length:N0} bytes; the limit is {limits.MaxEncodedBytes:N0}.");
        }

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw (KnownFormat(encoded) is { } format
                ? new ImageRejectedException(ImageErrorCodes.Corrupt, $"The file starts like a {format} image but its header cannot be read: it is truncated or damaged.")
                : new ImageRejectedException(ImageErrorCodes.NotAnImage, "The file is not an image in a supported format (JPEG, PNG, BMP, GIF, WebP)."));

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
        {
            throw new ImageRejectedException(ImageErrorCodes.Corrupt, $"The image header gives an impossible size {width}x{height}.");
        }

        if ((long)width * height > limits.MaxPixels)
        {
            throw new ImageRejectedException(ImageErrorCodes.TooManyPixels, $"The image header claims {width:N0}x{height:N0} pixels; the limit is {limits.MaxPixels:N0} pixels.");
        }

        var swapsAxes = codec.EncodedOrigin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        (fullWidth, fullHeight) = swapsAxes ? (height, width) : (width, height);
        var size = ScaledSize(codec, minLongSide);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success))
        {
            throw new ImageRejectedException(ImageErrorCodes.Corrupt, $"The image could not be decoded completely ({result}): the file is truncated or damaged.");
        }

        using var oriented = Orientation.Apply(bitmap, codec.EncodedOrigin);
        return ToRgb(oriented ?? bitmap);
    }

    /// <summary>The smallest of the codec's own scaled sizes (k/8) whose longer side reaches <paramref name="minLongSide"/>; the full size otherwise.</summary>
    private static SKSizeI ScaledSize(SKCodec codec, int minLongSide)
    {
        var full = new SKSizeI(codec.Info.Width, codec.Info.Height);
        if (Math.Max(full.Width, full.Height) <= minLongSide)
        {
            return full;
        }

        for (var eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (scaled.Width > 0 && scaled.Height > 0 && Math.Max(scaled.Width, scaled.Height) >= minLongSide && scaled != full)
            {
                return scaled;
            }
        }

        return full;
    }

    /// <summary>The format a file claims by its first bytes, or null.</summary>
    private static string? KnownFormat(ReadOnlySpan<byte> data) => data switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "JPEG",
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "PNG",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "GIF",
        [(byte)'B', (byte)'M', ..] => "BMP",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "WebP",
        _ => null,
    };

    /// <summary>Drops alpha from premultiplied RGBA, which composites transparent areas over black.</summary>
    private static RgbImage ToRgb(SKBitmap bitmap)
    {
        var rgba = bitmap.GetPixelSpan();
        var rgb = new byte[bitmap.Width * bitmap.Height * 3];
        for (int source = 0, target = 0; target < rgb.Length; source += 4, target += 3)
        {
            rgb[target] = rgba[source];
            rgb[target + 1] = rgba[source + 1];
            rgb[target + 2] = rgba[source + 2];
        }

        return new RgbImage(bitmap.Width, bitmap.Height, rgb);
    }
}
