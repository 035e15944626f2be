using Fer.Inference.FaceDetection;
using Fer.Inference.Preprocessing;

namespace Fer.Training.Quantization;

/// <summary>
/// Calibration inputs for the face detector: each photo decoded as the face locator decodes it for detection (longer
/// side at least <see cref="FaceLocator.DetectionLongSide"/>), then the whole picture and overlapping tiles of about a
/// third of its longer side (the views <see cref="TiledFaceDetection"/> gives the detector, where faces are larger),
/// each padded, resized and scaled as <see cref="FaceDetector"/> feeds its graph.
/// </summary>
public static class DetectorCalibrationTiles
{
    private static readonly string[] PhotoExtensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp"];

    /// <summary>The photos in the folders (not their subfolders), in name order.</summary>
    public static IReadOnlyList<string> Photos(IEnumerable<string> folders)
    {
        var photos = folders.SelectMany(folder => Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder)
                : throw new DirectoryNotFoundException($"Calibration photo folder '{folder}' does not exist."))
            .Where(file => PhotoExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
            .OrderBy(file => file, StringComparer.Ordinal)
            .ToList();
        return photos.Count > 0 ? photos : throw new InvalidDataException("The calibration photo folders hold no photos (.jpg, .png, .webp, .bmp).");
    }

    public static IEnumerable<float[]> Tensors(FaceDetectorManifest manifest, IEnumerable<string> photos)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var input = manifest.Input;
        foreach (var photo in photos)
        {
            using var image = EncodedImage.Open(File.ReadAllBytes(photo), new ImageLimits());
            var reduced = image.Decode(FaceLocator.DetectionLongSide);
            foreach (var view in Views(reduced))
            {
                yield return TfLegacyBilinear.PadResizeAndScale(view, input.Size, input.Divisor, input.Subtract);
            }
        }
    }

    /// <summary>The whole image, then square tiles of a third of the longer side (no larger than the shorter), overlapping by a quarter.</summary>
    public static IEnumerable<RgbImage> Views(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        yield return image;
        var tile = Math.Min(Math.Min(image.Width, image.Height), (int)Math.Ceiling(Math.Max(image.Width, image.Height) / 3.0));
        var step = tile - (tile / 4);
        for (var top = 0; top < image.Height; top += step)
        {
            for (var left = 0; left < image.Width; left += step)
            {
                var (x, y) = (Math.Min(left, image.Width - tile), Math.Min(top, image.Height - tile));
                yield return Cut(image, x, y, tile);
                if (left + tile >= image.Width)
                {
                    break;
                }
            }

            if (top + tile >= image.Height)
            {
                break;
            }
        }
    }

    private static RgbImage Cut(RgbImage image, int left, int top, int side)
    {
        var pixels = new byte[side * side * 3];
        for (var y = 0; y < side; y++)
        {
            Array.Copy(image.Pixels, (((top + y) * image.Width) + left) * 3, pixels, y * side * 3, side * 3);
        }

        return new RgbImage(side, side, pixels);
    }
}
