using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// face-api's landmark input: the crop padded with zeros to a centred square (<c>padToSquare(..., true)</c>: of the
/// difference d, round(d / 2) goes after and the rest before), resized to S x S with TF's legacy bilinear (as in
/// <see cref="TfLegacyBilinear"/>; none when the side is already S), then <c>(x - mean) / divisor</c>, NCHW float32.
/// </summary>
public static class CentredSquareInput
{
    public static float[] CropPadResizeAndNormalise(RgbImage image, LandmarkCrop crop, int size, IReadOnlyList<float> meanRgb, float divisor)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(meanRgb);
        var side = Math.Max(crop.Width, crop.Height);
        var difference = side - Math.Min(crop.Width, crop.Height);
        var before = difference - (int)Math.Floor((difference * 0.5) + 0.5);
        var (padLeft, padTop) = crop.Height > crop.Width ? (before, 0) : (0, before);
        var scale = (float)side / size;
        var plane = size * size;
        var output = new float[3 * plane];
        for (var y = 0; y < size; y++)
        {
            var (top, bottom, alphaY) = Tap(y, side, scale);
            for (var x = 0; x < size; x++)
            {
                var (left, right, alphaX) = Tap(x, side, scale);
                for (var c = 0; c < 3; c++)
                {
                    float Pixel(int sx, int sy)
                    {
                        var (ix, iy) = (sx - padLeft, sy - padTop);
                        return ix >= 0 && iy >= 0 && ix < crop.Width && iy < crop.Height
                            ? image.Pixels[((((crop.Y + iy) * image.Width) + crop.X + ix) * 3) + c]
                            : 0f;
                    }

                    var topLeft = Pixel(left, top);
                    var topRight = Pixel(right, top);
                    var bottomLeft = Pixel(left, bottom);
                    var bottomRight = Pixel(right, bottom);
                    var upper = topLeft + ((topRight - topLeft) * alphaX);
                    var lower = bottomLeft + ((bottomRight - bottomLeft) * alphaX);
                    var value = upper + ((lower - upper) * alphaY);
                    output[(c * plane) + (y * size) + x] = (value - meanRgb[c]) / divisor;
                }
            }
        }

        return output;
    }

    /// <summary>The two source coordinates of an output coordinate and the weight of the second (no half-pixel shift).</summary>
    private static (int Low, int High, float Alpha) Tap(int i, int side, float scale)
    {
        var source = i * scale;
        var low = (int)source;
        return (low, Math.Min(low + 1, side - 1), source - low);
    }
}
