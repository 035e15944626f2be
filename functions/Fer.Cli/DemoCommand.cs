using Fer.Inference.FaceDetection;
using Fer.Inference.Pipeline;
using System.CommandLine;
using Fer.Inference.Storage;
using Fer.Inference.Models;

namespace Fer.Cli;

/// <summary>
/// <c>fer demo</c>: the whole system on one machine. Starts Azurite when no storage is reachable,
/// publishes the demo model, uploads the sample photos, classifies every face in them, prints the results
/// and draws the stored rows' boxes and labels on copies of the photos.
/// </summary>
internal static class DemoCommand
{
    public const string Batch = "demo";

    public static Command Create()
    {
        var command = new Command("demo", "Run the pipeline end to end on the sample photos (starts Azurite if needed).");
        command.SetAction(async (parse, ct) =>
        {
            var connection = StorageOptions.Resolve(parse);
            using var azurite = connection.ConnectionString == StorageConnection.DevelopmentStorage && !LocalAzurite.IsListening() ? LocalAzurite.Start() : null;
            Console.WriteLine(azurite is null ? "Using the storage that is already running." : "Started Azurite (in memory) on ports 10000-10002.");
            using var services = CliLogging.Connect(connection, FaceFinding.Detect);
            await services.EnsureCreatedAsync(ct).ConfigureAwait(false);

            var model = RepositoryPaths.Find(RepositoryPaths.DemoModel) ?? throw new CliException($"The demo model ({RepositoryPaths.DemoModel}) was not found; run fer from the repository.");
            var photos = RepositoryPaths.Find(RepositoryPaths.SamplePhotos) ?? throw new CliException($"The sample photos ({RepositoryPaths.SamplePhotos}) were not found; run fer from the repository.");
            var manifest = await services.Models.PublishAsync(model, promote: true, ct).ConfigureAwait(false);
            Console.WriteLine($"Published and promoted model {manifest.Version} ({manifest.Architecture.Backbone} + CBAM {manifest.Architecture.Cbam}, {manifest.Input.Size} px {manifest.Input.Color}).");

            var output = Path.Combine(Path.GetTempPath(), "fer-demo-" + Guid.NewGuid().ToString("N")[..8]);
            var images = Path.Combine(output, "upload");
            Directory.CreateDirectory(images);
            var files = Directory.GetFiles(photos, "*.jpg").Order(StringComparer.Ordinal).ToList();
            foreach (var file in files)
            {
                File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
            }

            var uploaded = await StorageCommands.UploadAsync(services, images, Batch, ct).ConfigureAwait(false);
            Directory.Delete(images, recursive: true);
            Console.WriteLine($"Uploaded {uploaded} sample photos ({RepositoryPaths.SamplePhotos}, credits in ATTRIBUTION.md there) to {services.Options.FacesContainer}/{Batch}/.");

            var run = await services.Processor.ProcessAsync(Batch, cancellationToken: ct).ConfigureAwait(false);
            Console.WriteLine($"Classified {run.Classified}, rejected {run.Rejected}, already done {run.UpToDate}, in {run.Elapsed.TotalSeconds:F1} s.");
            Console.WriteLine();
            await StorageCommands.PrintRowsAsync(services, Batch, null, null, json: false, ct).ConfigureAwait(false);
            Console.WriteLine();
            await StorageCommands.PrintSummaryAsync(services, Batch, json: false, ct).ConfigureAwait(false);
            Console.WriteLine();
            Console.WriteLine("What was found, drawn from the stored rows (open these pictures):");
            foreach (var file in files)
            {
                var rows = await services.Results.GetBlobRowsAsync(Batch, Path.GetFileName(file), ct).ConfigureAwait(false);
                var written = PhotoAnnotator.Write(file, [.. rows.Select(DemoRows.ToResult)], output, new HashSet<string>(StringComparer.Ordinal));
                Console.WriteLine($"  {written}  ({rows.Count(r => r.FaceIndex is not null)} face(s))");
            }

            Console.WriteLine();
            Console.WriteLine("How to go on:");
            Console.WriteLine($"  fer serve                                 then open http://127.0.0.1:{ServeCommand.DefaultPort}/api/ui: boxes and emotions on a web page (a photo, the camera, a batch)");
            Console.WriteLine(azurite is null
                ? $"                                            (with the same storage options it serves this storage: browse batch {Batch} there)"
                : "                                            (it starts its own Azurite, empty but for the demo model: save photos to a batch from the page)");
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
