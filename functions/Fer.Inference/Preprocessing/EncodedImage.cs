using SkiaSharp;

namespace Fer.Inference.Preprocessing;

/// <summary>
/// An image whose header has been read and checked against the limits, with nothing decoded yet: what a decode at a
/// given size will cost in memory is known before it is paid (<see cref="DecodeBudget"/>). Decoding is as small as
/// asked: JPEG scales by k/8 inside its DCT, WebP scales inside libwebp, PNG and BMP are read a row at a time and
/// box-averaged (<see cref="BoxSampler"/>), GIF scales inside Skia's decoder; an interlaced PNG decodes in full inside
/// its reservation (Skia's de-interlacing buffer counted too) and is box-averaged before it is handed out.
/// </summary>
public sealed class EncodedImage : IDisposable
{
    /// <summary>The RGBA bitmap the codec writes, and the RGB copy handed out.</summary>
    private const int DecodeBytesPerPixel = 4 + 3;

    /// <summary>The upright copy an EXIF orientation makes.</summary>
    private const int OrientationBytesPerPixel = 4;

    /// <summary>Pixels decoded around a region beyond what was asked: one JPEG block of 4:2:0 chroma, 16 px.</summary>
    private const int RegionMargin = 16;

    private readonly SKData data;
    private readonly SKCodec codec;

    private EncodedImage(SKData data, SKCodec codec, int width, int height)
    {
        (this.data, this.codec) = (data, codec);
        (Width, Height) = (width, height);
    }

    /// <summary>How a decode is made: by the codec at the planned size, or a row at a time through a <see cref="BoxSampler"/>.</summary>
    private enum Method
    {
        Codec,
        PngRows,
        Scanlines,

        /// <summary>The codec decodes the full size, then rows of it go through a <see cref="BoxSampler"/> (interlaced PNG).</summary>
        WholeThenBoxed,
    }

    /// <summary>The full image's width, orientation applied.</summary>
    public int Width { get; }

    /// <summary>The full image's height, orientation applied.</summary>
    public int Height { get; }

    private bool Rotated => codec.EncodedOrigin is not (SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default);

    /// <summary>Reads and checks the header; throws <see cref="ImageRejectedException"/> for what can never be decoded.</summary>
    public static EncodedImage Open(ReadOnlySpan<byte> encoded, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (encoded.IsEmpty)
        {
            throw new ImageRejectedException(ImageErrorCodes.Empty, "The file is empty (0 bytes).");
        }

        if (encoded.Length > limits.MaxEncodedBytes)
        {
            throw new ImageRejectedException(ImageErrorCodes.TooLarge, $"The file has {encoded.Length:N0} bytes; the limit is {limits.MaxEncodedBytes:N0}.");
        }

        var data = SKData.CreateCopy(encoded);
        var codec = SKCodec.Create(data);
        if (codec is null)
        {
            data.Dispose();
            throw ImageFormat.Sniff(encoded) is { } format
                ? new ImageRejectedException(ImageErrorCodes.Corrupt, $"The file starts like a {format.Name} image but its header cannot be read: it is truncated or damaged.")
                : new ImageRejectedException(ImageErrorCodes.NotAnImage, "The file is not an image in a supported format (JPEG, PNG, BMP, GIF, WebP).");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var problem = (codec.EncodedFormat == SKEncodedImageFormat.Png ? PngRowReader.HeaderProblem(encoded) : null)
            ?? (width <= 0 || height <= 0
                ? new ImageRejectedException(ImageErrorCodes.Corrupt, $"The image header gives an impossible size {width}x{height}.")
                : (long)width * height > limits.MaxPixels
                    ? new ImageRejectedException(ImageErrorCodes.TooManyPixels, $"The image header claims {width:N0}x{height:N0} pixels; the limit is {limits.MaxPixels:N0} pixels.")
                    : null);
        if (problem is not null)
        {
            codec.Dispose();
            data.Dispose();
            throw problem;
        }

        return SwapsAxes(codec.EncodedOrigin)
            ? new EncodedImage(data, codec, height, width)
            : new EncodedImage(data, codec, width, height);
    }

    /// <summary>The size <see cref="Decode"/> with the same <paramref name="minLongSide"/> returns, orientation applied.</summary>
    public (int Width, int Height) DecodedSize(int minLongSide)
    {
        var size = Plan(minLongSide).Size;
        return SwapsAxes(codec.EncodedOrigin) ? (size.Height, size.Width) : (size.Width, size.Height);
    }

    /// <summary>The most bytes <see cref="Decode"/> with the same <paramref name="minLongSide"/> holds at once, the encoded copy included.</summary>
    public long EstimateBytes(int minLongSide)
    {
        var (size, method) = Plan(minLongSide);
        var pixels = (long)size.Width * size.Height;
        var perPixel = DecodeBytesPerPixel + (Rotated ? OrientationBytesPerPixel : 0);
        var fullPixels = (long)codec.Info.Width * codec.Info.Height;
        var sampling = method switch
        {
            Method.PngRows => BoxSampler.WorkingBytes(codec.Info.Width, size.Width) + data.Size, // and the pixel data gathered from its chunks
            Method.Scanlines => BoxSampler.WorkingBytes(codec.Info.Width, size.Width),
            Method.WholeThenBoxed => BoxSampler.WorkingBytes(codec.Info.Width, size.Width) + (fullPixels * 4), // the full RGBA bitmap
            _ => 0,
        };
        return data.Size + (pixels * perPixel) + sampling + (fullPixels * InterlaceBufferBytesPerPixel());
    }

    /// <summary>
    /// Decodes to 8-bit RGB, orientation applied, at the smallest size this format can produce cheaply whose longer
    /// side is at least <paramref name="minLongSide"/> (the full size when that is smaller); transparent pixels end over black.
    /// </summary>
    public RgbImage Decode(int minLongSide)
    {
        var (size, method) = Plan(minLongSide);
        using var bitmap = method switch
        {
            Method.PngRows => DecodePngRows(size),
            Method.Scanlines => ScanlineSampling.Decode(codec, size) ?? DecodeDirect(codec.Info.Size),
            Method.WholeThenBoxed => DecodeWholeThenBoxed(size),
            _ => DecodeDirect(size),
        };
        using var oriented = Orientation.Apply(bitmap, codec.EncodedOrigin);
        return ToRgb(oriented ?? bitmap);
    }

    /// <summary>
    /// The pixels of <paramref name="region"/> of the decode that <see cref="Decode"/> with the same
    /// <paramref name="minLongSide"/> makes (in its pixels, orientation applied): a JPEG without EXIF rotation decodes
    /// just the region's columns, from its first row to its last, so the faces of a group photo cost a band of the
    /// full-resolution decode rather than all of it. Any other image is decoded whole (offset 0).
    /// </summary>
    public DecodedRegion DecodeRegion(int minLongSide, PixelRegion region)
    {
        if (RegionPlan(minLongSide, region) is not { } plan)
        {
            return new DecodedRegion(Decode(minLongSide), 0, 0);
        }

        var (size, clipped) = plan;
        using var bitmap = DecodeRows(size, clipped);
        return bitmap is null ? new DecodedRegion(Decode(minLongSide), 0, 0) : new DecodedRegion(ToRgb(bitmap), clipped.Left, clipped.Top);
    }

    /// <summary>The most bytes <see cref="DecodeRegion"/> with the same arguments holds at once, the encoded copy included.</summary>
    public long EstimateRegionBytes(int minLongSide, PixelRegion region)
    {
        if (RegionPlan(minLongSide, region) is not { } plan)
        {
            return EstimateBytes(minLongSide);
        }

        // libjpeg keeps a progressive JPEG's coefficients for the whole image (16 bits each, 4:2:0 chroma adding half).
        var coefficients = (long)codec.Info.Width * codec.Info.Height * 3;
        return data.Size + coefficients + ((long)plan.Region.Width * plan.Region.Height * DecodeBytesPerPixel);
    }

    public void Dispose()
    {
        codec.Dispose();
        data.Dispose();
    }

    /// <summary>The decode size and the clipped region when a region can be decoded alone (JPEG, not rotated); null otherwise.</summary>
    private (SKSizeI Size, PixelRegion Region)? RegionPlan(int minLongSide, PixelRegion region)
    {
        var (size, method) = Plan(minLongSide);
        if (codec.EncodedFormat != SKEncodedImageFormat.Jpeg || Rotated || method != Method.Codec)
        {
            return null;
        }

        // libjpeg treats the edges of the columns it decodes as the image's edges when it upsamples chroma: the pixels
        // next to them differ from a whole decode's, so the region is decoded with a margin (an even one: see DecodedRegion).
        var padded = new PixelRegion(region.Left - RegionMargin, region.Top - RegionMargin, region.Right + RegionMargin, region.Bottom + RegionMargin);
        var clipped = padded.ClipTo(size.Width, size.Height);
        return clipped.IsEmpty ? null : (size, clipped);
    }

    /// <summary>
    /// Scanline decoding of <paramref name="region"/>'s columns (libjpeg's own cropping), skipping the rows above it and
    /// stopping after its last; null when the codec refuses to decode by scanlines at this size.
    /// </summary>
    private SKBitmap? DecodeRows(SKSizeI size, PixelRegion region)
    {
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        if (codec.StartScanlineDecode(info, new SKCodecOptions(new SKRectI(region.Left, 0, region.Right, size.Height))) != SKCodecResult.Success)
        {
            return null;
        }

        var bitmap = new SKBitmap(new SKImageInfo(region.Width, region.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (bitmap.GetPixels() == IntPtr.Zero)
        {
            bitmap.Dispose();
            throw new InsufficientMemoryException($"No {region.Width}x{region.Height} bitmap could be allocated.");
        }

        if (!codec.SkipScanlines(region.Top) || codec.GetScanlines(bitmap.GetPixels(), region.Height, bitmap.RowBytes) != region.Height)
        {
            bitmap.Dispose();
            throw new ImageRejectedException(ImageErrorCodes.Corrupt, "The image could not be decoded completely: the file is truncated or damaged.");
        }

        return bitmap;
    }

    /// <summary>The size to decode at (before orientation), and how.</summary>
    private (SKSizeI Size, Method Method) Plan(int minLongSide)
    {
        var full = new SKSizeI(codec.Info.Width, codec.Info.Height);
        var longSide = Math.Max(full.Width, full.Height);
        if (longSide <= minLongSide)
        {
            return (full, Method.Codec);
        }

        var exact = full.Width >= full.Height
            ? new SKSizeI(minLongSide, Math.Max(1, (int)Math.Ceiling((double)full.Height * minLongSide / full.Width)))
            : new SKSizeI(Math.Max(1, (int)Math.Ceiling((double)full.Width * minLongSide / full.Height)), minLongSide);

        // Measured with SkiaSharp 3.119: WebP and GIF decode at any smaller size; BMP by scanlines; PNG neither.
        return codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Png => PngRowReader.CanRead(data.AsSpan()) ? (exact, Method.PngRows) : (exact, Method.WholeThenBoxed),
            SKEncodedImageFormat.Bmp => (exact, Method.Scanlines),
            SKEncodedImageFormat.Webp or SKEncodedImageFormat.Gif => (exact, Method.Codec),
            _ => (CodecScaledSize(minLongSide), Method.Codec),
        };
    }

    private SKBitmap DecodePngRows(SKSizeI size)
    {
        using var sampler = new BoxSampler(codec.Info.Width, codec.Info.Height, size);
        PngRowReader.Read(data.AsSpan(), sampler);
        return sampler.Finish();
    }

    /// <summary>
    /// A PNG Skia must decode whole (Adam7 interlacing: no row is final before the last pass), shrunk before it leaves
    /// the reservation, so that what is handed out is no larger than asked, as for every other format.
    /// </summary>
    private SKBitmap DecodeWholeThenBoxed(SKSizeI size)
    {
        using var whole = DecodeDirect(codec.Info.Size);
        using var sampler = new BoxSampler(whole.Width, whole.Height, size);
        var pixels = whole.GetPixelSpan();
        var rowBytes = whole.RowBytes;
        for (var y = 0; y < whole.Height; y++)
        {
            sampler.Add(y, pixels.Slice(y * rowBytes, whole.Width * 4));
        }

        return sampler.Finish();
    }

    /// <summary>
    /// Bytes per pixel of the buffer Skia's PNG codec holds for a whole interlaced image while it de-interlaces: one
    /// row of the source format (after libpng's expansion of small depths and of tRNS to alpha) per image row.
    /// Rounded up: palette 1, grey (with tRNS alpha) and grey + alpha 2, RGB(A) 4, or 8 at 16 bits. 0 when not interlaced.
    /// </summary>
    private long InterlaceBufferBytesPerPixel()
    {
        var png = data.AsSpan();
        if (codec.EncodedFormat != SKEncodedImageFormat.Png || !PngRowReader.IsInterlaced(png))
        {
            return 0;
        }

        var (bitDepth, colorType) = (png[24], png[25]);
        return colorType switch
        {
            3 => 1,
            0 or 4 => 2,
            _ => bitDepth == 16 ? 8 : 4,
        };
    }

    /// <summary>The smallest of the codec's own scaled sizes (k/8, JPEG's) whose longer side reaches <paramref name="minLongSide"/>; the full size otherwise.</summary>
    private SKSizeI CodecScaledSize(int minLongSide)
    {
        var full = new SKSizeI(codec.Info.Width, codec.Info.Height);
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

    /// <summary>The codec decodes at <paramref name="size"/> itself; a size it cannot make falls back to the full size.</summary>
    private SKBitmap DecodeDirect(SKSizeI size)
    {
        var bitmap = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (bitmap.GetPixels() == IntPtr.Zero)
        {
            // Our failure, not the file's: the codec would answer InvalidParameters, which reads like a damaged file.
            bitmap.Dispose();
            throw new InsufficientMemoryException($"No {size.Width}x{size.Height} bitmap could be allocated.");
        }

        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result == SKCodecResult.InvalidScale && size != codec.Info.Size)
        {
            bitmap.Dispose();
            return DecodeDirect(codec.Info.Size);
        }

        if (result is not SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new ImageRejectedException(ImageErrorCodes.Corrupt, $"The image could not be decoded completely ({result}): the file is truncated or damaged.");
        }

        return bitmap;
    }

    private static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

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
