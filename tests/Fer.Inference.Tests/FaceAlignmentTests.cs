using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using SkiaSharp;
using Xunit.Abstractions;

namespace Fer.Inference.Tests;

/// <summary>
/// Eye alignment with the committed detector and landmarker: a photo turned by a known angle is measured at that
/// angle, and each turned face's aligned crop looks like the same face's crop in the upright photo.
/// </summary>
public sealed class FaceAlignmentTests(ITestOutputHelper output) : IDisposable
{
    private const double Turn = 20;
    private const int CompareSide = 48;

    private readonly FaceDetector detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory);
    private readonly FaceLandmarker landmarker = FaceLandmarker.Load(FerOptions.DefaultFaceLandmarksDirectory);

    public void Dispose()
    {
        detector.Dispose();
        landmarker.Dispose();
    }

    private static byte[] Photo(string name) => File.ReadAllBytes(Path.Combine(FaceApiReference.ExpectedDirectory, name + ".input.png"));

    [Fact]
    public void A_turned_face_is_measured_at_its_angle_and_its_aligned_crop_matches_the_upright_one()
    {
        var locator = new FaceLocator(FaceFinding.Detect, detector, landmarker: landmarker);
        var photo = Photo("obama_family");
        var (turned, map) = Rotate(photo, Turn);

        var upright = locator.Locate(photo, CompareSide).Faces;
        var rotated = locator.Locate(turned, CompareSide).Faces;

        Assert.Equal(4, upright.Count);
        var differences = new List<double>();
        foreach (var face in upright)
        {
            var (x, y) = map(face.Box.X + (face.Box.Width / 2.0), face.Box.Y + (face.Box.Height / 2.0));
            var match = rotated.MinBy(other => Distance(other.Box, x, y))!;
            Assert.True(Distance(match.Box, x, y) < face.Box.Width / 4.0, $"the face at {face.Box} is not found turned");

            var angleError = match.AlignedDegrees!.Value - face.AlignedDegrees!.Value - Turn;
            var aligned = MeanAbsoluteDifference(face.Crop, match.Crop);
            var notAligned = MeanAbsoluteDifference(face.Crop, FaceCrop.Square(ImageDecoder.Decode(turned), match.Box));
            output.WriteLine($"face at {face.Box}: upright {face.AlignedDegrees:F2} deg, turned {match.AlignedDegrees:F2} deg, error {angleError:F2} deg; "
                + $"crop difference {aligned:F1} aligned, {notAligned:F1} not aligned (of 255)");
            Assert.True(Math.Abs(angleError) < 4, $"the eye line is off by {angleError:F2} degrees");

            // The rest of the difference is the detector's box, which sits a few pixels differently on a turned face.
            Assert.True(aligned < 32, $"the aligned crop differs by {aligned:F1} from the upright one");
            Assert.True(aligned < notAligned, "aligning does not bring the crop closer to the upright face");
            differences.Add(aligned);
        }

        Assert.True(differences.Average() < 25, $"aligned crops differ by {differences.Average():F1} on average");
    }

    [Fact]
    public void Without_a_landmark_folder_faces_are_cut_upright_after_one_warning()
    {
        var warnings = new List<string>();

        var missing = FaceLandmarker.LoadIfPresent(Path.Combine(Path.GetTempPath(), "fer-no-landmarks-" + Guid.NewGuid().ToString("N")), warnings.Add);
        var faces = new FaceLocator(FaceFinding.Detect, detector, landmarker: missing).Locate(Photo("obama_family"), CompareSide).Faces;

        Assert.Null(missing);
        Assert.Contains("not aligned", Assert.Single(warnings), StringComparison.Ordinal);
        Assert.Equal(4, faces.Count);
        Assert.All(faces, face => Assert.Null(face.AlignedDegrees));
    }

    [Fact]
    public void All_faces_of_an_image_get_their_landmarks_in_one_call_as_one_at_a_time()
    {
        var image = ImageDecoder.Decode(Photo("obama_family"));
        var faces = FaceApiReference.SsdFaces("obama_family").Select(f => new DetectedFace(f.X, f.Y, f.Width, f.Height, f.Score)).ToList();

        var together = landmarker.LocateAll(image, [.. faces, new DetectedFace(5000, 5000, 5, 5, 0.9)]);

        Assert.Equal(faces.Count + 1, together.Count);
        Assert.Empty(together[^1]);
        for (var i = 0; i < faces.Count; i++)
        {
            var alone = landmarker.Locate(image, faces[i]);
            Assert.All(alone.Zip(together[i]), pair => Assert.True(Math.Abs(pair.First.X - pair.Second.X) < 1e-3 && Math.Abs(pair.First.Y - pair.Second.Y) < 1e-3));
        }
    }

    [Fact]
    public void An_upright_crop_at_no_angle_is_an_exact_copy_and_a_turned_one_samples_between_pixels()
    {
        var pixels = new byte[4 * 4 * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 5);
        }

        var image = new RgbImage(4, 4, pixels);
        var box = new FaceBox(0, 0, 4, 4);

        var upright = FaceCrop.Square(image, box, 0);
        var halfTurn = FaceCrop.Square(image, box, 180);

        Assert.Equal(5, upright.Width);
        Assert.Equal(pixels[..3], upright.Pixels[..3]); // the square starts at (0, 0), as before alignment existed
        Assert.Equal(upright.Pixels.Length, halfTurn.Pixels.Length);
        Assert.Equal(upright.Pixels[(12 * 3)..((12 * 3) + 3)], halfTurn.Pixels[(12 * 3)..((12 * 3) + 3)]); // the centre stays put
    }

    private static double Distance(FaceBox box, double x, double y) =>
        Math.Sqrt(Math.Pow(box.X + (box.Width / 2.0) - x, 2) + Math.Pow(box.Y + (box.Height / 2.0) - y, 2));

    /// <summary>The photo turned clockwise by <paramref name="degrees"/> onto a grey canvas that holds all of it, and where a point of the original lands.</summary>
    private static (byte[] Png, Func<double, double, (double X, double Y)> Map) Rotate(byte[] png, double degrees)
    {
        using var original = SKBitmap.Decode(png);
        using var image = SKImage.FromBitmap(original);
        var radians = degrees * Math.PI / 180;
        var (cos, sin) = (Math.Cos(radians), Math.Sin(radians));
        var width = (int)Math.Ceiling((original.Width * Math.Abs(cos)) + (original.Height * Math.Abs(sin)));
        var height = (int)Math.Ceiling((original.Width * Math.Abs(sin)) + (original.Height * Math.Abs(cos)));
        using var turned = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(turned))
        {
            canvas.Clear(SKColors.Gray);
            canvas.Translate(width / 2f, height / 2f);
            canvas.RotateDegrees((float)degrees);
            canvas.Translate(-original.Width / 2f, -original.Height / 2f);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), null);
        }

        using var data = turned.Encode(SKEncodedImageFormat.Png, 100);
        var (centreX, centreY, newCentreX, newCentreY) = (original.Width / 2.0, original.Height / 2.0, width / 2.0, height / 2.0);
        return (data.ToArray(), (x, y) => (
            newCentreX + ((x - centreX) * cos) - ((y - centreY) * sin),
            newCentreY + ((x - centreX) * sin) + ((y - centreY) * cos)));
    }

    /// <summary>Mean absolute grey-level difference of two crops, each averaged down to the same small square.</summary>
    private static double MeanAbsoluteDifference(RgbImage first, RgbImage second)
    {
        var (a, b) = (Shrink(first), Shrink(second));
        return a.Zip(b).Average(pair => Math.Abs(pair.First - pair.Second));
    }

    private static double[] Shrink(RgbImage image)
    {
        var sums = new double[CompareSide * CompareSide];
        var counts = new int[sums.Length];
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var cell = (y * CompareSide / image.Height * CompareSide) + (x * CompareSide / image.Width);
                var i = ((y * image.Width) + x) * 3;
                sums[cell] += HistogramEqualizer.Luma(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
                counts[cell]++;
            }
        }

        return [.. sums.Select((sum, cell) => sum / Math.Max(1, counts[cell]))];
    }
}
