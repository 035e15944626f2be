using SkiaSharp;

namespace Fer.Inference.Preprocessing;

/// <summary>Shrinks an image whose Skia codec decodes by scanlines (BMP) one row at a time through a <see cref="BoxSampler"/>.</summary>
internal static class ScanlineSampling
{
    /// <summary>The image box-averaged to <paramref name="size"/>; null when the codec cannot decode by scanlines.</summary>
    public static SKBitmap? Decode(SKCodec codec, SKSizeI size)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (codec.StartScanlineDecode(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul)) != SKCodecResult.Success)
        {
            return null;
        }

        using var sampler = new BoxSampler(width, height, size);
        using var line = new SKBitmap(new SKImageInfo(width, 1, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (line.GetPixels() == IntPtr.Zero)
        {
            throw new InsufficientMemoryException($"No row of {width} pixels could be allocated."); // the codec writes a full row there
        }

        for (var decoded = 0; decoded < height; decoded++)
        {
            if (codec.GetScanlines(line.GetPixels(), 1, line.RowBytes) != 1)
            {
                throw new ImageRejectedException(ImageErrorCodes.Corrupt, $"The image could not be decoded completely (row {decoded} of {height}): the file is truncated or damaged.");
            }

            // BMP stores rows bottom-up: the codec says where each decoded row belongs.
            sampler.Add(codec.GetOutputScanline(decoded), line.GetPixelSpan());
        }

        return sampler.Finish();
    }
}
