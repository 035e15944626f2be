using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>
/// The committed face detector (models/face-detector) served through ONNX Runtime alone: face-api's faces on the
/// reference photos, nothing on a blank image, and a folder whose files were changed is refused.
/// </summary>
public sealed class FaceDetectorTests
{
    private static string CommittedDetector => Path.Combine(FaceApiReference.RepositoryRoot, "models", "face-detector");

    [Theory]
    [InlineData("obama_family")]
    [InlineData("biden_7mpx")]
    [InlineData("group_10mpx")]
    public void The_committed_detector_finds_the_faces_face_api_finds(string photo)
    {
        using var detector = FaceDetector.Load(CommittedDetector);
        var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(FaceApiReference.ExpectedDirectory, photo + ".input.png")));
        var expected = FaceApiReference.SsdFaces(photo);

        var faces = detector.Detect(image);

        Assert.Equal(expected.Count, faces.Count);
        foreach (var (face, reference) in faces.Zip(expected))
        {
            Assert.Equal(reference.X, face.X, 1.0);
            Assert.Equal(reference.Y, face.Y, 1.0);
            Assert.Equal(reference.Width, face.Width, 1.0);
            Assert.Equal(reference.Height, face.Height, 1.0);
            Assert.Equal(reference.Score, face.Score, 1e-3);
        }
    }

    [Theory]
    [InlineData(640, 480)]
    [InlineData(1, 1)]
    [InlineData(2000, 1)]
    public void A_blank_image_has_no_face(int width, int height)
    {
        using var detector = FaceDetector.Load(CommittedDetector);
        var image = ImageDecoder.Decode(TestImages.Png(width, height, new SKColor(128, 128, 128)));

        Assert.Empty(detector.Detect(image));
    }

    [Fact]
    public void A_folder_whose_anchors_were_changed_is_refused()
    {
        var copy = Path.Combine(Path.GetTempPath(), "fer-detector-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        try
        {
            foreach (var file in Directory.GetFiles(CommittedDetector))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            var anchors = File.ReadAllBytes(Path.Combine(copy, "anchors.bin"));
            anchors[100] ^= 1;
            File.WriteAllBytes(Path.Combine(copy, "anchors.bin"), anchors);

            var error = Assert.Throws<InvalidModelException>(() => FaceDetector.Load(copy));

            Assert.Contains("'anchors.bin'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Nms_keeps_the_best_box_of_an_overlapping_pair_and_boxes_that_overlap_by_half_or_less()
    {
        float[] boxes =
        [
            0.0f, 0.0f, 1.0f, 1.0f, // 0: score 0.6
            0.0f, 0.0f, 1.0f, 0.9f, // 1: IoU 0.9 with 0, score 0.9: suppresses 0
            0.0f, 0.6f, 1.0f, 1.5f, // 2: IoU with 1 = 0.3 / 1.5 = 0.2: kept
            0.0f, 2.0f, 1.0f, 3.0f, // 3: below the score threshold
        ];
        float[] scores = [0.6f, 0.9f, 0.7f, 0.4f];

        var kept = FaceApiNonMaxSuppression.Select(boxes, scores, maxResults: 100, iouThreshold: 0.5, scoreThreshold: 0.5);

        Assert.Equal([1, 2], kept);
    }
}
