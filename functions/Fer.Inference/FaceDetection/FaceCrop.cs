using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// Cuts a face out of the full-resolution image: a square around the detector's box, widened by a margin,
/// since the detector's box runs from brows to chin while the training crops (FER2013) hold the whole head
/// outline. Parts of the square outside the image repeat the nearest edge pixel rather than adding black.
/// With an eye-line angle the square is turned about the box's centre by that angle, so the eyes come out
/// horizontal as in the training faces; pixels are then sampled bilinearly (at 0 degrees every sample falls on
/// a whole pixel, so the upright crop is an exact copy).
/// </summary>
public static class FaceCrop
{
    /// <summary>The default margin added on every side, as a share of the box's longer side (see <see cref="FaceCropGeometry"/>).</summary>
    public const double Margin = 0.1;

    public static RgbImage Square(RgbImage image, FaceBox box, double degrees = 0, FaceCropGeometry? geometry = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var square = Place(box, degrees, geometry);
        var (side, half) = (square.Side, square.Half);
        var pixels = new byte[side * side * 3];
        for (var y = 0; y < side; y++)
        {
            var v = y - half;
            for (var x = 0; x < side; x++)
            {
                var u = x - half;
                Sample(image, square.CentreX + (u * square.Cos) - (v * square.Sin), square.CentreY + (u * square.Sin) + (v * square.Cos), pixels, ((y * side) + x) * 3);
            }
        }

        return new RgbImage(side, side, pixels);
    }

    /// <summary>
    /// Every pixel <see cref="Square"/> reads for this face (bilinear neighbours included), unclipped: a decode of just
    /// this region, clipped to the image, gives the same crop.
    /// </summary>
    public static PixelRegion SampledRegion(FaceBox box, double degrees = 0, FaceCropGeometry? geometry = null)
    {
        var square = Place(box, degrees, geometry);
        var reach = square.Half * (Math.Abs(square.Cos) + Math.Abs(square.Sin));
        return new PixelRegion(
            (int)Math.Floor(square.CentreX - reach) - 1, (int)Math.Floor(square.CentreY - reach) - 1,
            (int)Math.Floor(square.CentreX + reach) + 2, (int)Math.Floor(square.CentreY + reach) + 2);
    }

    /// <summary>The square's side, its centre in the image and its turn.</summary>
    private static Placement Place(FaceBox box, double degrees, FaceCropGeometry? geometry)
    {
        ArgumentNullException.ThrowIfNull(box);
        geometry ??= FaceCropGeometry.Default;
        var longSide = Math.Max(box.Width, box.Height);
        var side = Math.Max(1, (int)Math.Round(geometry.Side(longSide)));
        var radians = degrees * Math.PI / 180;
        var (cos, sin) = degrees == 0 ? (1.0, 0.0) : (Math.Cos(radians), Math.Sin(radians));

        // The shift runs along the face's own vertical axis, which the eye line's turn tilts.
        var shift = geometry.ShiftY * longSide;
        var left = (int)Math.Round(box.X + (box.Width / 2.0) - (side / 2.0) - (shift * sin));
        var top = (int)Math.Round(box.Y + (box.Height / 2.0) - (side / 2.0) + (shift * cos));
        var half = (side - 1) / 2.0;
        return new Placement(side, half, left + half, top + half, cos, sin);
    }

    /// <summary>Bilinear sample at (x, y), neighbours outside the image replaced by the nearest edge pixel.</summary>
    private static void Sample(RgbImage image, double x, double y, byte[] target, int offset)
    {
        var (floorX, floorY) = (Math.Floor(x), Math.Floor(y));
        var (alphaX, alphaY) = (x - floorX, y - floorY);
        var left = Math.Clamp((int)floorX, 0, image.Width - 1);
        var right = Math.Clamp((int)floorX + 1, 0, image.Width - 1);
        var top = Math.Clamp((int)floorY, 0, image.Height - 1) * image.Width;
        var bottom = Math.Clamp((int)floorY + 1, 0, image.Height - 1) * image.Width;
        for (var c = 0; c < 3; c++)
        {
            double Pixel(int row, int column) => image.Pixels[((row + column) * 3) + c];
            var upper = Pixel(top, left) + ((Pixel(top, right) - Pixel(top, left)) * alphaX);
            var lower = Pixel(bottom, left) + ((Pixel(bottom, right) - Pixel(bottom, left)) * alphaX);
            target[offset + c] = (byte)Math.Round(upper + ((lower - upper) * alphaY));
        }
    }

    private readonly record struct Placement(int Side, double Half, double CentreX, double CentreY, double Cos, double Sin);
}
