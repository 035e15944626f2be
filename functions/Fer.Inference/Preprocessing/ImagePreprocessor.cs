using Fer.Inference.Models;
using SkiaSharp;

namespace Fer.Inference.Preprocessing;

/// <summary>
/// The one preprocessing path for training and serving, driven by the model's manifest:
/// decode -> RGB -> optional grayscale (replicated) -> resize to S x S -> optional histogram equalisation
/// -> [0,1] -> (x - mean) / std, NCHW float32.
/// Training caches the output of <see cref="Prepare"/> and augments it; both sides end in <see cref="Normalize"/>.
/// </summary>
public sealed class ImagePreprocessor
{
    private readonly float[] scale = new float[3];
    private readonly float[] offset = new float[3];

    /// <summary>Bytes per pixel of the image being resized that <see cref="PrepareDecoded"/> allocates: an RGBA copy and its bitmap.</summary>
    public const int ResizeBytesPerPixel = 4 + 4;

    public ImagePreprocessor(ModelInput input, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var problems = input.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid preprocessing settings: {string.Join("; ", problems)}.", nameof(input));
        }

        Input = input;
        Limits = limits ?? ImageLimits.Default;
        for (var c = 0; c < 3; c++)
        {
            // (v / 255 - mean) / std, folded into one multiply-add per value.
            scale[c] = 1f / (255f * input.Std[c]);
            offset[c] = -input.Mean[c] / input.Std[c];
        }
    }

    public ModelInput Input { get; }

    public ImageLimits Limits { get; }

    public int Size => Input.Size;

    /// <summary>Floats per image: 3 x S x S.</summary>
    public int TensorLength => 3 * Size * Size;

    /// <summary>Decoded, colour-converted and resized pixels (S x S RGB), ready to augment or normalise.</summary>
    public RgbImage Prepare(ReadOnlySpan<byte> encoded, out int originalWidth, out int originalHeight)
    {
        using var image = EncodedImage.Open(encoded, Limits);
        (originalWidth, originalHeight) = (image.Width, image.Height);
        using var reserved = Limits.Budget.Reserve(image.EstimateBytes(int.MaxValue) + ((long)image.Width * image.Height * ResizeBytesPerPixel));
        return PrepareDecoded(image.Decode(int.MaxValue));
    }

    /// <summary>
    /// Steps 3-5 for pixels already decoded (a face cropped from a photo): colour, resize, equalisation.
    /// The pixels of <paramref name="decoded"/> may be changed in place: pass an image nobody else reads.
    /// </summary>
    public RgbImage PrepareDecoded(RgbImage decoded)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        if (Input.Color == "gray")
        {
            ToGrayInPlace(decoded.Pixels);
        }

        var resized = Resize(Input.NativeSize is { } native && Math.Min(decoded.Width, decoded.Height) > native ? AreaAverage(decoded, native) : decoded);
        if (Input.EqualizesHistogram)
        {
            HistogramEqualizer.EqualizeLuminanceInPlace(resized.Pixels);
        }

        return resized;
    }

    public RgbImage Prepare(ReadOnlySpan<byte> encoded) => Prepare(encoded, out _, out _);

    /// <summary>The full path: file bytes to the model's input tensor for one image.</summary>
    public void Preprocess(ReadOnlySpan<byte> encoded, Span<float> destination) => Normalize(Prepare(encoded), destination);

    /// <summary>HWC bytes of an S x S image to normalised CHW floats.</summary>
    public void Normalize(RgbImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckShape(image.Width, image.Height, destination.Length);
        var pixels = image.Pixels;
        var plane = Size * Size;
        for (var c = 0; c < 3; c++)
        {
            var (s, o) = (scale[c], offset[c]);
            var channel = destination.Slice(c * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                channel[i] = (pixels[(i * 3) + c] * s) + o;
            }
        }
    }

    /// <summary>CHW floats in [0,255] (augmented pixels) to normalised CHW floats, with the same arithmetic as <see cref="Normalize(RgbImage, Span{float})"/>.</summary>
    public void Normalize(ReadOnlySpan<float> chw255, Span<float> destination)
    {
        CheckShape(Size, Size, destination.Length);
        var plane = Size * Size;
        for (var c = 0; c < 3; c++)
        {
            var (s, o) = (scale[c], offset[c]);
            var source = chw255.Slice(c * plane, plane);
            var channel = destination.Slice(c * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                channel[i] = (source[i] * s) + o;
            }
        }
    }

    /// <summary>ITU-R 601 luma (as PIL's convert("L")), replicated to three channels.</summary>
    private static void ToGrayInPlace(byte[] rgb)
    {
        for (var i = 0; i < rgb.Length; i += 3)
        {
            var luma = HistogramEqualizer.Luma(rgb[i], rgb[i + 1], rgb[i + 2]);
            rgb[i] = rgb[i + 1] = rgb[i + 2] = luma;
        }
    }

    /// <summary>
    /// Shrinks a square-ish face to <paramref name="side"/> x <paramref name="side"/> by averaging each output pixel's
    /// footprint: how the training faces were made small (FER2013's 48 px), so a large face from a photo comes out as
    /// soft as they are instead of as sharp and aliased as a plain bilinear shrink leaves it.
    /// </summary>
    public static RgbImage AreaAverage(RgbImage image, int side)
    {
        ArgumentNullException.ThrowIfNull(image);
        var pixels = new byte[side * side * 3];
        for (var y = 0; y < side; y++)
        {
            var (top, bottom) = (y * image.Height / side, Math.Max((y * image.Height / side) + 1, (y + 1) * image.Height / side));
            for (var x = 0; x < side; x++)
            {
                var (left, right) = (x * image.Width / side, Math.Max((x * image.Width / side) + 1, (x + 1) * image.Width / side));
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0;
                    for (var row = top; row < bottom; row++)
                    {
                        for (var column = left; column < right; column++)
                        {
                            sum += image.Pixels[(((row * image.Width) + column) * 3) + c];
                        }
                    }

                    var count = (bottom - top) * (right - left);
                    pixels[(((y * side) + x) * 3) + c] = (byte)((sum + (count / 2)) / count);
                }
            }
        }

        return new RgbImage(side, side, pixels);
    }

    private RgbImage Resize(RgbImage image)
    {
        if (image.Width == Size && image.Height == Size)
        {
            return image;
        }

        var rgba = new byte[image.Width * image.Height * 4];
        for (int s = 0, t = 0; s < image.Pixels.Length; s += 3, t += 4)
        {
            rgba[t] = image.Pixels[s];
            rgba[t + 1] = image.Pixels[s + 1];
            rgba[t + 2] = image.Pixels[s + 2];
            rgba[t + 3] = 255;
        }

        using var source = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, source.GetPixels(), rgba.Length);
        using var target = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var sampling = Input.Resize switch
        {
            "nearest" => new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None),
            "bicubic" => new SKSamplingOptions(SKCubicResampler.CatmullRom),
            _ => new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None),
        };
        if (!source.ScalePixels(target, sampling))
        {
            throw new ImageRejectedException(ImageErrorCodes.Corrupt, $"The {image.Width}x{image.Height} image could not be resized to {Size}x{Size}.");
        }

        var scaled = target.GetPixelSpan();
        var rgb = new byte[Size * Size * 3];
        for (int s = 0, t = 0; t < rgb.Length; s += 4, t += 3)
        {
            rgb[t] = scaled[s];
            rgb[t + 1] = scaled[s + 1];
            rgb[t + 2] = scaled[s + 2];
        }

        return new RgbImage(Size, Size, rgb);
    }

    private void CheckShape(int width, int height, int destinationLength)
    {
        if (width != Size || height != Size || destinationLength != TensorLength)
        {
            throw new ArgumentException($"Expected a {Size}x{Size} image and {TensorLength} floats, got {width}x{height} and {destinationLength}.");
        }
    }
}
