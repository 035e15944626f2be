using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>
/// Wide and large photos are also searched in overlapping tiles, so faces the whole-image pass shrinks to a few
/// pixels are found: each face once, and nothing else.
/// </summary>
public sealed class TiledFaceDetectionTests : IDisposable
{
    private readonly FaceDetector detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory);

    public void Dispose() => detector.Dispose();

    private static byte[] Photo(string name) => File.ReadAllBytes(Path.Combine(FaceApiReference.ExpectedDirectory, name + ".input.png"));

    [Fact]
    public void A_wide_group_photo_yields_more_faces_in_tiles_than_the_whole_image_pass_each_once()
    {
        var photo = Photo("group_10mpx");
        var locator = new FaceLocator(FaceFinding.Detect, detector);

        var faces = locator.Locate(photo, 64).Faces.Select(face => face.Box).ToList();

        // 31 people stand in two rows; face-api's whole-image pass finds 24 of them, the tiles all but one.
        Assert.Equal(24, detector.Detect(ImageDecoder.Decode(photo)).Count);
        Assert.Equal(30, faces.Count);
        Assert.All(faces, box =>
        {
            Assert.InRange(box.Height, 15, 26); // face-sized in this 968x404 copy
            Assert.InRange(box.Y, 145, 210); // in the band of the two rows of heads, not on the suits or the backdrop
        });
        for (var i = 0; i < faces.Count; i++)
        {
            for (var j = i + 1; j < faces.Count; j++)
            {
                Assert.True(IoU(faces[i], faces[j]) < 0.3, $"faces {i} and {j} overlap: one face found twice");
            }
        }
    }

    [Theory]
    [InlineData("obama_family", 4)] // 640x427: not tiled
    [InlineData("biden_7mpx", 1)]
    public void Photos_of_a_few_large_faces_keep_their_count(string name, int count) =>
        Assert.Equal(count, new FaceLocator(FaceFinding.Detect, detector).Locate(Photo(name), 64).Faces.Count);

    [Fact]
    public void A_large_blank_image_is_tiled_and_gives_no_face()
    {
        Assert.True(TiledFaceDetection.Helps(4200, 3000));
        Assert.Empty(new FaceLocator(FaceFinding.Detect, detector).Locate(TestImages.Png(4200, 3000, SKColors.Gray), 64).Faces);
    }

    [Theory]
    [InlineData(640, 427, false)]
    [InlineData(3000, 2000, false)]
    [InlineData(968, 404, true)] // twice as wide as tall
    [InlineData(4844, 2022, true)]
    [InlineData(10000, 1, false)] // tiles would be a pixel tall
    public void Wide_or_large_images_are_tiled(int width, int height, bool tiled) =>
        Assert.Equal(tiled, TiledFaceDetection.Helps(width, height));

    /// <summary>Heads of the back row partly hidden by the front row overlap a little; one face found twice overlaps a lot.</summary>
    private static double IoU(FaceBox a, FaceBox b)
    {
        var width = Math.Max(0, Math.Min(a.X + a.Width, b.X + b.Width) - Math.Max(a.X, b.X));
        var height = Math.Max(0, Math.Min(a.Y + a.Height, b.Y + b.Height) - Math.Max(a.Y, b.Y));
        var intersection = (double)width * height;
        return intersection / ((a.Width * a.Height) + (b.Width * b.Height) - intersection);
    }

    [Fact]
    public void A_photo_with_more_faces_than_the_detector_keeps_says_it_was_truncated()
    {
        // The same detector with a cap of 2 (its manifest's decoding.maxResults) on a photo of four people.
        var capped = Directory.CreateTempSubdirectory("fer-capped-detector-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(FerOptions.DefaultFaceDetectorDirectory))
            {
                File.Copy(file, Path.Combine(capped, Path.GetFileName(file)));
            }

            var manifestPath = Directory.GetFiles(capped, "*.json").Single();
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!;
            var decoding = json["decoding"]!;
            decoding[decoding.AsObject().ContainsKey("max_results") ? "max_results" : "maxResults"] = 2;
            File.WriteAllText(manifestPath, json.ToJsonString());
            using var twoFaces = FaceDetector.Load(capped);

            var cut = new FaceLocator(FaceFinding.Detect, twoFaces).Locate(Photo("obama_family"), 64);
            var all = new FaceLocator(FaceFinding.Detect, detector).Locate(Photo("obama_family"), 64);

            Assert.Equal(2, cut.Faces.Count);
            Assert.True(cut.Truncated);
            Assert.Equal(4, all.Faces.Count);
            Assert.False(all.Truncated);
        }
        finally
        {
            Directory.Delete(capped, recursive: true);
        }
    }
}
