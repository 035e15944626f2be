using Fer.Inference.Pipeline;
using System.CommandLine;
using Fer.Inference.Storage;
using Fer.Inference.Models;

namespace Fer.Cli;

/// <summary>
/// <c>fer demo</c>: the whole system on one machine. Starts Azurite when no storage is reachable,
/// publishes the demo model, uploads the sample faces, classifies them and prints the results.
/// </summary>
internal static class DemoCommand
{
    public const string Batch = "demo";

    public static Command Create()
    {
        var command = new Command("demo", "Run the pipeline end to end on the sample faces (starts Azurite if needed).");
        command.SetAction(async (parse, ct) =>
        {
            var connection = StorageOptions.Resolve(parse);
            using var azurite = connection.ConnectionString == StorageConnection.DevelopmentStorage && !LocalAzurite.IsListening() ? LocalAzurite.Start() : null;
            Console.WriteLine(azurite is null ? "Using the storage that is already running." : "Started Azurite (in memory) on ports 10000-10002.");
            // The sample faces are 160 px hand-cut crops, some too tight for the detector: auto classifies those whole and says so.
            using var services = CliLogging.Connect(connection, FaceFinding.Auto);
            await services.EnsureCreatedAsync(ct).ConfigureAwait(false);

            var model = RepositoryPaths.Find(RepositoryPaths.DemoModel) ?? throw new CliException($"The demo model ({RepositoryPaths.DemoModel}) was not found; run fer from the repository.");
            var faces = RepositoryPaths.Find(RepositoryPaths.SampleFaces) ?? throw new CliException($"The sample faces ({RepositoryPaths.SampleFaces}) were not found; run fer from the repository.");
            var manifest = await services.Models.PublishAsync(model, promote: true, ct).ConfigureAwait(false);
            Console.WriteLine($"Published and promoted model {manifest.Version} ({manifest.Architecture.Backbone} + CBAM {manifest.Architecture.Cbam}, {manifest.Input.Size} px {manifest.Input.Color}).");

            var images = Path.Combine(Path.GetTempPath(), "fer-demo-faces-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(images);
            foreach (var file in Directory.EnumerateFiles(faces, "*.jpg"))
            {
                File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
            }

            var uploaded = await StorageCommands.UploadAsync(services, images, Batch, ct).ConfigureAwait(false);
            Directory.Delete(images, recursive: true);
            Console.WriteLine($"Uploaded {uploaded} sample faces to {services.Options.FacesContainer}/{Batch}/.");

            var run = await services.Processor.ProcessAsync(Batch, cancellationToken: ct).ConfigureAwait(false);
            Console.WriteLine($"Classified {run.Classified}, rejected {run.Rejected}, already done {run.UpToDate}, in {run.Elapsed.TotalSeconds:F1} s.");
            Console.WriteLine();
            await StorageCommands.PrintRowsAsync(services, Batch, null, null, json: false, ct).ConfigureAwait(false);
            Console.WriteLine();
            await StorageCommands.PrintSummaryAsync(services, Batch, json: false, ct).ConfigureAwait(false);
            Console.WriteLine();
            Console.WriteLine("How to go on:");
            Console.WriteLine("  fer classify PATH...                      classify your own files offline");
            Console.WriteLine("  npm run azurite                           keep a local storage running, then fer upload / process / results");
            Console.WriteLine("  func start --csharp (functions/Fer.Functions)  run the function app locally, where Azure Functions Core Tools is installed");
            Console.WriteLine("  azd up                                    deploy everything to Azure (see infra/README.md)");
            if (azurite is not null)
            {
                Console.WriteLine("The Azurite started for this demo (in memory) stops now, and its data with it.");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
