using System.CommandLine;
using Fer.Inference.Models;

namespace Fer.Cli;

/// <summary><c>fer model ...</c>: work with model version folders.</summary>
internal static class ModelCommands
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "A model version folder (model.onnx + manifest.json)." };
        var verify = new Command("verify", "Check a model version folder the way serving does: manifest, size, SHA-256, ONNX Runtime load, labels against outputs.")
        {
            directory,
        };
        verify.SetAction(parse => Verify(parse.GetValue(directory)!));
        return new Command("model", "Model version folders.") { verify };
    }

    private static int Verify(DirectoryInfo directory)
    {
        try
        {
            using var folder = ModelVersionFolder.Open(directory.FullName);
            var manifest = folder.Manifest;
            Console.WriteLine($"OK {manifest.Name} {manifest.Version}: {manifest.Architecture.Backbone} + CBAM {manifest.Architecture.Cbam}, " +
                              $"input {manifest.Input.Size}x{manifest.Input.Size} {manifest.Input.Color}, {manifest.Labels.Count} labels, " +
                              $"{manifest.Onnx.Bytes / 1e6:F1} MB, sha256 {manifest.Onnx.Sha256[..12]}...");
            return 0;
        }
        catch (Exception e) when (e is InvalidModelException or InvalidModelManifestException)
        {
            Console.Error.WriteLine($"fer: {e.Message}");
            return 1;
        }
    }
}
