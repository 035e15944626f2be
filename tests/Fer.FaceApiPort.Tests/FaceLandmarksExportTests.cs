using Fer.FaceApiPort;
using Fer.Inference.FaceDetection;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using Xunit.Abstractions;

namespace Fer.FaceApiPort.Tests;

/// <summary>
/// face-api's 68-point landmark net, rebuilt in TorchSharp from its TF.js weights and exported with the project's
/// exporter: ONNX Runtime reproduces TorchSharp, the served landmarker reproduces face-api running in Node on
/// face-api's own boxes (tools/face-reference: every point within 1 px), and the committed folder is this export.
/// </summary>
public sealed class FaceLandmarksExportTests(FaceLandmarksExportFixture export, ITestOutputHelper output) : IClassFixture<FaceLandmarksExportFixture>
{
    [Fact]
    public void Onnx_runtime_reproduces_torchsharp()
    {
        var diff = FaceLandmarksParity.MaxAbsDiff(export.Model, export.OnnxPath, batch: 3, seed: 5);

        output.WriteLine($"max_abs_diff {diff:E2}");
        Assert.True(diff <= FaceLandmarksParity.Tolerance, $"max_abs_diff {diff}");
    }

    [Theory]
    [InlineData("obama_family")]
    [InlineData("biden_7mpx")]
    [InlineData("group_10mpx")]
    public void The_landmarker_finds_the_points_face_api_finds(string photo)
    {
        var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(FaceApiReference.ExpectedDirectory, photo + ".input.png")));
        using var landmarker = FaceLandmarker.Load(export.Directory);

        var worst = 0.0;
        foreach (var (face, reference) in FaceApiReference.SsdFaces(photo).Zip(FaceApiReference.SsdLandmarks(photo)))
        {
            var points = landmarker.Locate(image, new DetectedFace(face.X, face.Y, face.Width, face.Height, face.Score));

            Assert.Equal(reference.Count, points.Count);
            worst = Math.Max(worst, points.Zip(reference).Max(pair => Math.Max(Math.Abs(pair.First.X - pair.Second.X), Math.Abs(pair.First.Y - pair.Second.Y))));
        }

        output.WriteLine($"{photo}: max point difference {worst:E2} px");
        Assert.True(worst <= 1.0, $"{photo}: a point differs by {worst:F3} px from face-api's");
    }

    [Fact]
    public void The_committed_landmarker_is_this_export()
    {
        var committed = FaceLandmarksManifest.Load(Path.Combine(FaceApiReference.RepositoryRoot, "models", "face-landmarks", FaceLandmarksManifest.FileName));

        Assert.Equal(export.Manifest.Onnx.Sha256, committed.Onnx.Sha256);
        Assert.Equal(export.Manifest.ToJson(), committed.ToJson());
    }

    [Fact]
    public void The_manifest_says_what_the_net_expects_and_where_its_weights_come_from()
    {
        var manifest = FaceLandmarksManifest.Load(Path.Combine(export.Directory, FaceLandmarksManifest.FileName));

        Assert.Equal(112, manifest.Input.Size);
        Assert.Equal([122.782f, 117.001f, 104.298f], manifest.Input.MeanRgb);
        Assert.Equal(255f, manifest.Input.Divisor);
        Assert.Equal(68, manifest.Output.Points);
        Assert.Equal("@vladmandic/face-api", manifest.Weights.Package);
        Assert.Equal("1.7.15", manifest.Weights.Version);
        Assert.Equal("MIT", manifest.Weights.Licence);
        Assert.True(File.Exists(Path.Combine(export.Directory, manifest.Weights.LicenceFile!)));
        Assert.DoesNotContain(FaceApiReference.RepositoryRoot, manifest.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_detector_weights_are_refused_by_name()
    {
        var weights = TfjsWeights.Load(Path.Combine(FaceApiReference.WeightsDirectory, FaceApiWeightLoader.ManifestFileName));
        using var model = new FaceLandmark68Net();

        var error = Assert.Throws<InvalidDataException>(() => FaceLandmarkWeightLoader.Load(model, weights));

        Assert.Contains("'dense0/conv0/filters' is missing", error.Message, StringComparison.Ordinal);
    }
}
