using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// face-api's detector input: the image padded with zeros at the right or bottom to a square of side
/// L = max(width, height), resized to S x S as TF's <c>resizeBilinear</c> with align_corners=false and
/// half_pixel_centers=false does (source coordinate = output coordinate * L / S, no half-pixel shift; the
/// row and column below the last one repeat it), and scaled to <c>x / divisor - subtract</c>, NCHW float32.
/// Arithmetic is float32 in TF's order (horizontal, then vertical), so the values match TF.js's.
/// </summary>
public static class TfLegacyBilinear
{
    public static float[] PadResizeAndScale(RgbImage image, int size, float divisor, float subtract)
    {
        ArgumentNullException.ThrowIfNull(image);
        var side = Math.Max(image.Width, image.Height);
        var scale = (float)side / size;
        var columns = SourceTaps(size, side, scale);
        var rows = SourceTaps(size, side, scale);
        var plane = size * size;
        var output = new float[3 * plane];
        for (var y = 0; y < size; y++)
        {
            var (top, bottom, alphaY) = rows[y];
            for (var x = 0; x < size; x++)
            {
                var (left, right, alphaX) = columns[x];
                for (var c = 0; c < 3; c++)
                {
                    var topLeft = Pixel(image, left, top, c);
                    var topRight = Pixel(image, right, top, c);
                    var bottomLeft = Pixel(image, left, bottom, c);
                    var bottomRight = Pixel(image, right, bottom, c);
                    var upper = topLeft + ((topRight - topLeft) * alphaX);
                    var lower = bottomLeft + ((bottomRight - bottomLeft) * alphaX);
                    var value = upper + ((lower - upper) * alphaY);
                    output[(c * plane) + (y * size) + x] = (value / divisor) - subtract;
                }
            }
        }

        return output;
    }

    /// <summary>For each output coordinate: the two source coordinates and the weight of the second.</summary>
    private static (int Low, int High, float Alpha)[] SourceTaps(int size, int side, float scale)
    {
        var taps = new (int, int, float)[size];
        for (var i = 0; i < size; i++)
        {
            // With side == size the scale is exactly 1 and every tap is the pixel itself (TF skips the resize then).
            var source = i * scale;
            var low = (int)source;
            taps[i] = (low, Math.Min(low + 1, side - 1), source - low);
        }

        return taps;
    }

    /// <summary>A channel value of the padded square: the image's pixel, or 0 in the padding.</summary>
    private static float Pixel(RgbImage image, int x, int y, int channel) =>
        x < image.Width && y < image.Height ? image.Pixels[(((y * image.Width) + x) * 3) + channel] : 0f;
}
