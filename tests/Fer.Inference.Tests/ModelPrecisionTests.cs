using System.Text.Json.Nodes;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;

namespace Fer.Inference.Tests;

/// <summary>
/// A model folder with an int8 variant beside its fp32 file (the committed demo model and face detector): the
/// precision setting picks the file, its checksum is what is verified, and manifests without variants still load.
/// </summary>
public sealed class ModelPrecisionTests : IDisposable
{
    private static readonly string Demo = Path.Combine(TestRepository.Root, "models", "demo");
    private readonly string directory = Path.Combine(Path.GetTempPath(), "fer-precision-" + Guid.NewGuid().ToString("N"));

    public ModelPrecisionTests()
    {
        Directory.CreateDirectory(directory);
        foreach (var file in new[] { ModelManifest.FileName, "model.onnx", "model.int8.onnx" })
        {
            File.Copy(Path.Combine(Demo, file), Path.Combine(directory, file));
        }
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void The_committed_manifests_list_an_int8_variant_beside_the_fp32_file()
    {
        var model = ModelManifest.Load(Path.Combine(Demo, ModelManifest.FileName));
        var detector = FaceDetectorManifest.Load(Path.Combine(TestRepository.Root, "models", "face-detector", FaceDetectorManifest.FileName));

        foreach (var onnx in new[] { model.Onnx, detector.Onnx })
        {
            Assert.Equal(ModelPrecision.Fp32, onnx.Precision);
            var variant = Assert.Single(onnx.Variants!);
            Assert.Equal(ModelPrecision.Integer8, variant.Precision);
            Assert.EndsWith(".int8.onnx", variant.File, StringComparison.Ordinal);
            Assert.Contains("per-channel", variant.Quantization!.Weights, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(ModelPrecision.Integer8, "model.int8.onnx")]
    [InlineData(ModelPrecision.Fp32, "model.onnx")]
    public void The_precision_setting_picks_the_file_that_is_verified_and_served(string precision, string file)
    {
        using var folder = ModelVersionFolder.Open(directory, precision: precision);

        Assert.Equal(file, folder.Onnx.File);
        Assert.Equal(precision, folder.Onnx.Precision);
        Assert.Equal(7, folder.Session.ClassCount);
    }

    [Fact]
    public void A_manifest_without_variants_serves_its_one_file_whatever_the_setting()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, ModelManifest.FileName)))!;
        json["onnx"]!.AsObject().Remove("variants");
        json["onnx"]!.AsObject().Remove("precision");
        File.WriteAllText(Path.Combine(directory, ModelManifest.FileName), json.ToJsonString());
        File.Delete(Path.Combine(directory, "model.int8.onnx"));

        using var folder = ModelVersionFolder.Open(directory, precision: ModelPrecision.Integer8);

        Assert.Equal(("model.onnx", ModelPrecision.Fp32), (folder.Onnx.File, folder.Onnx.Precision));
        Assert.Null(folder.Manifest.Onnx.Variants);
    }

    [Fact]
    public void A_wrong_checksum_on_the_int8_file_is_a_clear_error_and_fp32_still_opens()
    {
        // Same size, one byte changed: only the checksum can tell.
        var path = Path.Combine(directory, "model.int8.onnx");
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidModelException>(() => ModelVersionFolder.Open(directory, precision: ModelPrecision.Integer8));

        Assert.Contains("'model.int8.onnx' has SHA-256 ", error.Message, StringComparison.Ordinal);
        Assert.Contains("for its int8 file (corrupt or replaced file)", error.Message, StringComparison.Ordinal);
        using var fp32 = ModelVersionFolder.Open(directory, precision: ModelPrecision.Fp32);
        Assert.Equal("model.onnx", fp32.Onnx.File);
    }

    [Fact]
    public void Bad_variant_entries_and_an_unknown_precision_are_refused_with_the_reason()
    {
        var manifest = ModelManifest.Load(Path.Combine(directory, ModelManifest.FileName));
        var variant = manifest.Onnx.Variants![0];
        var bad = manifest with { Onnx = manifest.Onnx with { Variants = [variant with { File = "../model.int8.onnx" }, variant with { Precision = "int4", Sha256 = "abc" }] } };
        File.WriteAllText(Path.Combine(directory, ModelManifest.FileName), bad.ToJson());

        var error = Assert.Throws<InvalidModelManifestException>(() => ModelManifest.Load(Path.Combine(directory, ModelManifest.FileName)));
        var setting = Assert.Throws<FerException>(() => manifest.Onnx.Choose("int4"));

        Assert.Contains("onnx.variants[0].file '../model.int8.onnx'", error.Message, StringComparison.Ordinal);
        Assert.Contains("onnx.variants[1].precision 'int4'", error.Message, StringComparison.Ordinal);
        Assert.Contains("onnx.variants[1].sha256", error.Message, StringComparison.Ordinal);
        Assert.Contains("'int4'; it must be one of int8, fp32", setting.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_face_detector_loads_the_file_its_precision_names()
    {
        var folder = Path.Combine(TestRepository.Root, "models", "face-detector");
        var copy = Path.Combine(directory, "face-detector");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(folder))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        File.AppendAllText(Path.Combine(copy, "ssd_mobilenetv1.int8.onnx"), "x");

        var error = Assert.Throws<InvalidModelException>(() => FaceDetector.Load(copy, precision: ModelPrecision.Integer8));
        using var fp32 = FaceDetector.Load(copy, precision: ModelPrecision.Fp32);

        Assert.Contains("'ssd_mobilenetv1.int8.onnx' has", error.Message, StringComparison.Ordinal);
    }
}
