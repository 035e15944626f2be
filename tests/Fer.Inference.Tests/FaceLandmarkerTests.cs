using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using Xunit.Abstractions;

namespace Fer.Inference.Tests;

/// <summary>
/// The committed landmark net (models/face-landmarks) served through ONNX Runtime alone: given face-api's own SSD
/// boxes (so only the landmark net is tested), every point within 1 px of face-api's in Node; a changed graph is refused.
/// </summary>
public sealed class FaceLandmarkerTests(ITestOutputHelper output)
{
    private static string CommittedLandmarks => Path.Combine(FaceApiReference.RepositoryRoot, "models", "face-landmarks");

    [Theory]
    [InlineData("obama_family")]
    [InlineData("biden_7mpx")]
    [InlineData("group_10mpx")]
    public void The_committed_landmarker_finds_the_points_face_api_finds(string photo)
    {
        using var landmarker = FaceLandmarker.Load(CommittedLandmarks);
        var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(FaceApiReference.ExpectedDirectory, photo + ".input.png")));
        var faces = FaceApiReference.SsdFaces(photo);
        var expected = FaceApiReference.SsdLandmarks(photo);

        var worst = 0.0;
        foreach (var (face, reference) in faces.Zip(expected))
        {
            var points = landmarker.Locate(image, new DetectedFace(face.X, face.Y, face.Width, face.Height, face.Score));

            Assert.Equal(68, points.Count);
            worst = Math.Max(worst, points.Zip(reference).Max(pair => Math.Max(Math.Abs(pair.First.X - pair.Second.X), Math.Abs(pair.First.Y - pair.Second.Y))));
        }

        output.WriteLine($"{photo}: {faces.Count} faces, max point difference {worst:E2} px");
        Assert.True(worst <= 1.0, $"{photo}: a point differs by {worst:F3} px from face-api's");
    }

    [Fact]
    public void A_box_outside_the_image_has_no_landmarks()
    {
        using var landmarker = FaceLandmarker.Load(CommittedLandmarks);
        var image = new RgbImage(10, 10, new byte[10 * 10 * 3]);

        Assert.Empty(landmarker.Locate(image, new DetectedFace(20, 20, 5, 5, 0.9)));
    }

    [Fact]
    public void The_crop_is_the_box_clipped_to_the_image_and_floored()
    {
        Assert.Equal(new LandmarkCrop(0, 3, 7, 5), LandmarkCrop.Of(new DetectedFace(-2.5, 3.7, 10.2, 5.9, 1), 7, 20));
    }

    [Fact]
    public void A_folder_whose_graph_was_changed_is_refused()
    {
        var copy = Path.Combine(Path.GetTempPath(), "fer-landmarks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        try
        {
            foreach (var file in Directory.GetFiles(CommittedLandmarks))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            var onnx = Path.Combine(copy, "face_landmark_68.onnx");
            var bytes = File.ReadAllBytes(onnx);
            bytes[^100] ^= 1;
            File.WriteAllBytes(onnx, bytes);

            var error = Assert.Throws<InvalidModelException>(() => FaceLandmarker.Load(copy));

            Assert.Contains("'face_landmark_68.onnx'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }
}
