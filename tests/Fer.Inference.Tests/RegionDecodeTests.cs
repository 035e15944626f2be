using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>
/// The faces of a photo are cut from a decode of just their region when the format allows it (JPEG): the same pixels,
/// so the same crops, as from the whole decode.
/// </summary>
public sealed class RegionDecodeTests : IDisposable
{
    private readonly FaceDetector detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory, precision: ModelPrecision.Fp32);
    private readonly FaceLandmarker landmarker = FaceLandmarker.Load(FerOptions.DefaultFaceLandmarksDirectory);

    public void Dispose()
    {
        detector.Dispose();
        landmarker.Dispose();
    }

    private static byte[] SamplePhoto(string name) => File.ReadAllBytes(Path.Combine(FaceApiReference.RepositoryRoot, "samples", "photos", name + ".jpg"));

    [Theory]
    [InlineData("obama_family", int.MaxValue)] // full size
    [InlineData("biden_7mpx", 1024)] // a DCT-scaled decode (3/8)
    public void A_jpeg_region_has_the_pixels_of_the_whole_decode(string photo, int minLongSide)
    {
        using var image = EncodedImage.Open(SamplePhoto(photo), ImageLimits.Default);
        var whole = image.Decode(minLongSide);
        var region = new PixelRegion(-5, 101, 333, 260); // reaches past the left edge

        var decoded = image.DecodeRegion(minLongSide, region);

        Assert.Equal((0, 101 - 16, 333 + 16, 159 + 32), (decoded.Left, decoded.Top, decoded.Pixels.Width, decoded.Pixels.Height)); // with a margin
        for (var y = 101; y < 260; y++)
        {
            var expected = whole.Pixels.AsSpan(y * whole.Width * 3, 333 * 3);
            var actual = decoded.Pixels.Pixels.AsSpan((y - decoded.Top) * decoded.Pixels.Width * 3, 333 * 3);
            Assert.True(expected.SequenceEqual(actual), $"row {y} differs");
        }

        Assert.True(image.EstimateRegionBytes(minLongSide, region) < image.EstimateBytes(int.MaxValue));
    }

    [Fact]
    public void Other_formats_give_the_whole_decode()
    {
        using var image = EncodedImage.Open(TestImages.Png(300, 200, SKColors.Teal), ImageLimits.Default);

        var decoded = image.DecodeRegion(int.MaxValue, new PixelRegion(10, 10, 50, 50));

        Assert.Equal((0, 0, 300, 200), (decoded.Left, decoded.Top, decoded.Pixels.Width, decoded.Pixels.Height));
    }

    [Fact]
    public void The_group_photos_crops_from_the_region_equal_those_cut_from_the_whole_decode()
    {
        // The demo model's crop (margin -0.2) at 64 px needs the full resolution for these faces: a second decode.
        var photo = SamplePhoto("group_10mpx");
        var crop = new FaceCropGeometry { Margin = -0.2 };
        var faces = new FaceLocator(FaceFinding.Detect, detector, landmarker: landmarker).Locate(photo, 64, crop).Faces;
        var whole = ImageDecoder.Decode(photo);

        Assert.Equal(31, faces.Count);
        Assert.All(faces, face => Assert.Equal(
            FaceCrop.Square(whole, face.Box, face.AlignedDegrees ?? 0, crop).Pixels, face.Crop.Pixels));
    }
}
