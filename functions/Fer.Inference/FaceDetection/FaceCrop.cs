using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// Cuts a face out of the full-resolution image: a square around the detector's box, widened by a margin,
/// since the detector's box runs from brows to chin while the training crops (FER2013) hold the whole head
/// outline. Parts of the square outside the image repeat the nearest edge pixel rather than adding black.
/// </summary>
public static class FaceCrop
{
    /// <summary>The margin added on every side, as a share of the box's longer side.</summary>
    public const double Margin = 0.1;

    public static RgbImage Square(RgbImage image, FaceBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(box);
        var side = Math.Max(1, (int)Math.Round(Math.Max(box.Width, box.Height) * (1 + (2 * Margin))));
        var left = (int)Math.Round(box.X + (box.Width / 2.0) - (side / 2.0));
        var top = (int)Math.Round(box.Y + (box.Height / 2.0) - (side / 2.0));
        var pixels = new byte[side * side * 3];
        for (var y = 0; y < side; y++)
        {
            var sourceY = Math.Clamp(top + y, 0, image.Height - 1);
            for (var x = 0; x < side; x++)
            {
                var sourceX = Math.Clamp(left + x, 0, image.Width - 1);
                var source = ((sourceY * image.Width) + sourceX) * 3;
                var target = ((y * side) + x) * 3;
                pixels[target] = image.Pixels[source];
                pixels[target + 1] = image.Pixels[source + 1];
                pixels[target + 2] = image.Pixels[source + 2];
            }
        }

        return new RgbImage(side, side, pixels);
    }
}
