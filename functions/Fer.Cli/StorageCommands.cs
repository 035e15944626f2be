using Fer.Inference.FaceDetection;
using Fer.Inference.Pipeline;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fer.Api;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Models;
using Fer.Inference.Storage;

namespace Fer.Cli;

/// <summary><c>fer upload</c>, <c>fer process</c> and <c>fer results</c>: the storage side of the pipeline.</summary>
internal static class StorageCommands
{
    public static Command Upload()
    {
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "A folder of images; sub-folders keep their relative paths." };
        var batch = new Option<string>("--batch") { Description = "The batch to upload into.", Required = true };
        var command = new Command("upload", "Upload a folder of images into faces/<batch>/.") { directory, batch };
        command.SetAction(async (parse, ct) =>
        {
            using var services = CliLogging.Connect(StorageOptions.Resolve(parse));
            await services.EnsureCreatedAsync(ct).ConfigureAwait(false);
            var count = await UploadAsync(services, parse.GetValue(directory)!.FullName, parse.GetValue(batch)!, ct).ConfigureAwait(false);
            Console.WriteLine($"Uploaded {count} file(s) to {services.Options.FacesContainer}/{parse.GetValue(batch)}/.");
            return ExitCodes.Success;
        });
        return command;
    }

    public static async Task<int> UploadAsync(ServingComponents services, string directory, string batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!Directory.Exists(directory))
        {
            throw new CliException($"'{directory}' is not a folder.");
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (file, ct) =>
        {
            var name = FaceBlobName.Compose(batch, Path.GetRelativePath(directory, file));
            await services.Faces.GetBlobClient(name).UploadAsync(file, overwrite: true, cancellationToken: ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return files.Count;
    }

    public static Command Process()
    {
        var batch = new Option<string>("--batch") { Description = "The batch to classify.", Required = true };
        var faces = new Option<string?>("--faces") { Description = "detect | whole-image (each blob is a face crop) | auto; default: the model's manifest, else detect." };
        faces.AcceptOnlyFromAmong([.. FaceFinding.All]);
        var command = new Command("process", "Find and classify the faces of every blob of a batch that has no up-to-date rows (the pipeline's batch mode).") { batch, faces };
        command.SetAction(async (parse, ct) =>
        {
            using var services = CliLogging.Connect(StorageOptions.Resolve(parse), parse.GetValue(faces));
            await services.EnsureCreatedAsync(ct).ConfigureAwait(false);
            var run = await services.Processor.ProcessAsync(parse.GetValue(batch)!, new Progress<int>(n => Console.Error.Write($"\rclassified {n}...")), ct).ConfigureAwait(false);
            Console.Error.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Batch '{parse.GetValue(batch)}': {run.Blobs} blob(s), {run.UpToDate} already up to date, {run.Classified} classified, {run.Rejected} rejected, {run.Failed} failed, " +
                $"{run.OrphanRowsDeleted} row(s) of deleted blobs removed " +
                $"in {run.Elapsed.TotalSeconds:F1} s ({run.ImagesPerSecond:F1} images/s) with model {services.Provider.Health.Version}."));
            return run.Failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    public static Command Results()
    {
        var batch = new Option<string>("--batch") { Description = "The batch to show.", Required = true };
        var emotion = new Option<string?>("--emotion") { Description = "Only rows with this emotion." };
        emotion.AcceptOnlyFromAmong([.. EmotionLabels.Canonical]);
        var status = new Option<string?>("--status") { Description = "classified | rejected | failed" };
        status.AcceptOnlyFromAmong(ClassificationStatus.Classified, ClassificationStatus.Rejected, ClassificationStatus.Failed);
        var summary = new Option<bool>("--summary") { Description = "Counts per emotion and status, and the mean confidence, instead of rows." };
        var format = new Option<string>("--format") { Description = "table | json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("results", "Show the results table of a batch.") { batch, emotion, status, summary, format };
        command.SetAction(async (parse, ct) =>
        {
            using var services = CliLogging.Connect(StorageOptions.Resolve(parse));
            await services.Results.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(summary))
            {
                await PrintSummaryAsync(services, parse.GetValue(batch)!, parse.GetValue(format) == "json", ct).ConfigureAwait(false);
            }
            else
            {
                await PrintRowsAsync(services, parse.GetValue(batch)!, parse.GetValue(emotion), parse.GetValue(status), parse.GetValue(format) == "json", ct).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    public static async Task PrintRowsAsync(ServingComponents services, string batch, string? emotion, string? status, bool json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        string? token = null;
        do
        {
            var page = await services.Results.QueryAsync(batch, emotion, status, 500, token, cancellationToken).ConfigureAwait(false);
            foreach (var row in page.Rows)
            {
                Console.WriteLine(json
                    ? JsonSerializer.Serialize(ResultItem.From(row), FerJson.Options) // as the results route answers
                    : row.Status == ClassificationStatus.Classified
                        ? string.Create(CultureInfo.InvariantCulture, $"{row.Emotion,-10} {row.Confidence,6:P1}{(row.Uncertain == true ? " uncertain" : string.Empty)}  {row.BlobName}  face {row.FaceIndex + 1}/{row.FaceCount} at {row.BoxX},{row.BoxY} {row.BoxWidth}x{row.BoxHeight}")
                        : $"{row.Status,-10} {row.ErrorCode}  {row.BlobName}");
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    public static async Task PrintSummaryAsync(ServingComponents services, string batch, bool json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var summary = await services.Results.SummarizeAsync(batch, cancellationToken).ConfigureAwait(false);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(summary, FerJson.Options)); // as the summary route answers
            return;
        }

        Console.WriteLine($"Batch '{batch}': {summary.Images} image(s), {summary.Faces} face(s), {summary.Total} row(s); " + string.Join(", ", summary.ByStatus.Select(s => $"{s.Value} {s.Key}")));
        foreach (var label in EmotionLabels.Canonical)
        {
            var count = summary.ByEmotion.GetValueOrDefault(label);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-10} {count,5}  {new string('#', summary.Total == 0 ? 0 : (int)Math.Round(40.0 * count / summary.Total))}"));
        }

        if (summary.MeanConfidence is { } mean)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  mean confidence {mean:P1}"));
        }
    }
}
