using Fer.FaceApiPort;
using Fer.Inference.FaceDetection;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using Xunit.Abstractions;

namespace Fer.FaceApiPort.Tests;

/// <summary>
/// face-api's SSD MobileNet v1, rebuilt in TorchSharp from its TF.js weights and exported with the project's exporter:
/// ONNX Runtime reproduces TorchSharp, and the serving detector reproduces face-api running in Node
/// (tools/face-reference: boxes within 1 px, scores within 1e-3, the same faces).
/// </summary>
public sealed class FaceDetectorExportTests(FaceDetectorExportFixture export, ITestOutputHelper output) : IClassFixture<FaceDetectorExportFixture>
{
    [Fact]
    public void Onnx_runtime_reproduces_torchsharp()
    {
        var diff = FaceDetectorParity.MaxAbsDiff(export.Model, export.OnnxPath, batch: 2, seed: 5);

        output.WriteLine($"max_abs_diff {diff:E2}");
        Assert.True(diff <= FaceDetectorParity.Tolerance, $"max_abs_diff {diff}");
    }

    [Theory]
    [InlineData("obama_family")]
    [InlineData("biden_7mpx")]
    [InlineData("group_10mpx")]
    public void The_detector_finds_the_faces_face_api_finds(string photo)
    {
        var expected = FaceApiReference.SsdFaces(photo);
        var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(FaceApiReference.ExpectedDirectory, photo + ".input.png")));
        using var detector = FaceDetector.Load(export.Directory);

        var faces = detector.Detect(image);

        Assert.Equal(expected.Count, faces.Count);
        var boxDiff = 0.0;
        var scoreDiff = 0.0;
        foreach (var (face, reference) in faces.Zip(expected))
        {
            double[] differences = [face.X - reference.X, face.Y - reference.Y, face.Width - reference.Width, face.Height - reference.Height];
            boxDiff = Math.Max(boxDiff, differences.Max(Math.Abs));
            scoreDiff = Math.Max(scoreDiff, Math.Abs(face.Score - reference.Score));
        }

        output.WriteLine($"{photo}: {faces.Count} faces, max box difference {boxDiff:E2} px, max score difference {scoreDiff:E2}");
        Assert.True(boxDiff <= 1.0, $"{photo}: a box differs by {boxDiff:F3} px from face-api's");
        Assert.True(scoreDiff <= 1e-3, $"{photo}: a score differs by {scoreDiff:E2} from face-api's");
    }

    [Fact]
    public void The_committed_detector_is_this_export()
    {
        var committed = FaceDetectorManifest.Load(Path.Combine(FaceApiReference.RepositoryRoot, "models", "face-detector", FaceDetectorManifest.FileName));

        Assert.Equal(export.Manifest.Onnx.Sha256, committed.Onnx.Sha256);
        Assert.Equal(export.Manifest.Anchors.Sha256, committed.Anchors.Sha256);

        // The committed folder also lists the int8 variant that fer-train quantize made from this export.
        Assert.Equal(export.Manifest.ToJson(), (committed with { Onnx = committed.Onnx with { Precision = null, Variants = null } }).ToJson());
    }

    [Fact]
    public void The_manifest_says_what_the_detector_expects_and_where_its_weights_come_from()
    {
        var manifest = FaceDetectorManifest.Load(Path.Combine(export.Directory, FaceDetectorManifest.FileName));

        Assert.Equal(512, manifest.Input.Size);
        Assert.Equal(127.5f, manifest.Input.Divisor);
        Assert.Equal(1f, manifest.Input.Subtract);
        Assert.Equal(5118, manifest.Output.Anchors);
        Assert.Equal("@vladmandic/face-api", manifest.Weights.Package);
        Assert.Equal("1.7.15", manifest.Weights.Version);
        Assert.Equal("MIT", manifest.Weights.Licence);
        Assert.True(File.Exists(Path.Combine(export.Directory, manifest.Weights.LicenceFile!)));
        Assert.DoesNotContain(FaceApiReference.RepositoryRoot, manifest.ToJson(), StringComparison.Ordinal);
    }
}
