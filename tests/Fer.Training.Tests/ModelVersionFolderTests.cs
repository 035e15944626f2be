using Fer.Inference.Models;
using Fer.Training.Export;
using Fer.Training.Model;

namespace Fer.Training.Tests;

/// <summary>The serving side's checks on an exported folder, run against real exports.</summary>
public sealed class ModelVersionFolderTests
{
    [Fact]
    public void A_fresh_export_opens()
    {
        using var temp = new TempDirectory();
        Export(temp.Path);

        using var folder = ModelVersionFolder.Open(temp.Path);

        Assert.Equal(7, folder.Session.ClassCount);
        Assert.Equal(48, folder.Manifest.Input.Size);
    }

    [Fact]
    public void A_corrupted_onnx_file_is_refused_by_its_checksum()
    {
        using var temp = new TempDirectory();
        Export(temp.Path);
        using (var stream = File.OpenWrite(temp.File("model.onnx")))
        {
            stream.Position = 1000;
            stream.WriteByte(0x5A);
        }

        var error = Assert.Throws<InvalidModelException>(() => ModelVersionFolder.Open(temp.Path));
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_whose_labels_do_not_match_the_output_is_refused()
    {
        using var temp = new TempDirectory();
        var manifest = Export(temp.Path);
        File.WriteAllText(temp.File(ModelManifest.FileName), (manifest with { Labels = ["Happy", "Sad"] }).ToJson());

        var error = Assert.Throws<InvalidModelException>(() => ModelVersionFolder.Open(temp.Path));
        Assert.Contains("but the manifest's 2 labels need [N,2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_refused_with_runtimes_reason()
    {
        using var temp = new TempDirectory();
        var manifest = Export(temp.Path);
        File.WriteAllText(temp.File("model.onnx"), "not a model");
        File.WriteAllText(temp.File(ModelManifest.FileName), (manifest with
        {
            Onnx = manifest.Onnx with { Sha256 = ModelVersionFolder.Sha256Of(temp.File("model.onnx")), Bytes = 11 },
        }).ToJson());

        var error = Assert.Throws<InvalidModelException>(() => ModelVersionFolder.Open(temp.Path));
        Assert.Contains("ONNX Runtime cannot load", error.Message, StringComparison.Ordinal);
    }

    private static ModelManifest Export(string directory)
    {
        using var model = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.None, seed: 71);
        return ModelVersionWriter.Write(model, directory, new ModelInput { Size = 48 }, null, DateTimeOffset.UnixEpoch);
    }
}
