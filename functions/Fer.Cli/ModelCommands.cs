using Fer.Inference.Pipeline;
using System.CommandLine;
using Fer.Inference.Models;

namespace Fer.Cli;

/// <summary><c>fer model ...</c>: verify, publish, promote and list model versions.</summary>
internal static class ModelCommands
{
    public static Command Create()
    {
        var verifyDirectory = new Argument<DirectoryInfo>("DIR") { Description = "A model version folder (model.onnx + manifest.json)." };
        var verify = new Command("verify", "Check a model version folder the way serving does: manifest, size, SHA-256, ONNX Runtime load, labels against outputs.") { verifyDirectory };
        verify.SetAction(parse => Verify(parse.GetValue(verifyDirectory)!));

        var publishDirectory = new Argument<DirectoryInfo>("DIR") { Description = "A model version folder to publish." };
        var promoteNow = new Option<bool>("--promote") { Description = "Also point serving at it (fer/current.json)." };
        var publish = new Command("publish", "Upload a verified model version folder to the models container.") { publishDirectory, promoteNow };
        publish.SetAction(async (parse, ct) =>
        {
            using var services = CliLogging.Connect(StorageOptions.Resolve(parse));
            var manifest = await services.Models.PublishAsync(parse.GetValue(publishDirectory)!.FullName, parse.GetValue(promoteNow), ct).ConfigureAwait(false);
            Console.WriteLine($"Published {manifest.Version}{(parse.GetValue(promoteNow) ? " and promoted it" : string.Empty)}.");
            return ExitCodes.Success;
        });

        var version = new Argument<string>("VERSION") { Description = "A published version." };
        var promote = new Command("promote", "Point serving at a published version.") { version };
        promote.SetAction(async (parse, ct) =>
        {
            using var services = CliLogging.Connect(StorageOptions.Resolve(parse));
            await services.Models.PromoteAsync(parse.GetValue(version)!, ct).ConfigureAwait(false);
            Console.WriteLine($"Serving now follows {parse.GetValue(version)} (instances pick it up within their refresh interval).");
            return ExitCodes.Success;
        });

        var list = new Command("list", "List published versions; * marks the promoted one.");
        list.SetAction(async (parse, ct) =>
        {
            using var services = CliLogging.Connect(StorageOptions.Resolve(parse));
            var current = await services.Models.GetPointerAsync(ct).ConfigureAwait(false);
            foreach (var published in await services.Models.ListAsync(ct).ConfigureAwait(false))
            {
                Console.WriteLine($"{(published == current?.Version ? "*" : " ")} {published}");
            }

            return ExitCodes.Success;
        });

        return new Command("model", "Model version folders and the models container.") { verify, publish, promote, list };
    }

    private static int Verify(DirectoryInfo directory)
    {
        using var folder = ModelVersionFolder.Open(directory.FullName);
        var manifest = folder.Manifest;
        Console.WriteLine($"OK {manifest.Name} {manifest.Version}: {manifest.Architecture.Backbone} + CBAM {manifest.Architecture.Cbam}, " +
                          $"input {manifest.Input.Size}x{manifest.Input.Size} {manifest.Input.Color}, {manifest.Labels.Count} labels, " +
                          $"{manifest.Onnx.Bytes / 1e6:F1} MB, sha256 {manifest.Onnx.Sha256[..12]}...");
        return ExitCodes.Success;
    }
}
