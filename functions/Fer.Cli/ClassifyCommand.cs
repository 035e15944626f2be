using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Models;

namespace Fer.Cli;

/// <summary><c>fer classify</c>: classify local files and folders offline, one line per file.</summary>
internal static class ClassifyCommand
{
    private static readonly JsonSerializerOptions JsonLine = new() { WriteIndented = false };

    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "Files or folders (searched recursively).", Arity = ArgumentArity.OneOrMore };
        var model = new Option<DirectoryInfo?>("--model") { Description = "A model version folder; default: the repository's demo model (models/demo)." };
        var format = new Option<string>("--format") { Description = "table | json (one object per line) | csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var command = new Command("classify", "Classify local image files with a model folder; no storage needed.") { paths, model, format };
        command.SetAction(parse => Run(parse.GetValue(paths)!, parse.GetValue(model)?.FullName, parse.GetValue(format)!, Console.Out));
        return command;
    }

    public static int Run(IReadOnlyList<string> paths, string? modelDirectory, string format, TextWriter output)
    {
        modelDirectory ??= RepositoryPaths.Find(RepositoryPaths.DemoModel)
            ?? throw new CliException($"No --model given and no demo model found ({RepositoryPaths.DemoModel} in or above the current folder).");
        using var classifier = EmotionClassifier.Open(modelDirectory);
        var files = Expand(paths);
        if (format == "csv")
        {
            output.WriteLine("path,status,emotion,confidence," + string.Join(',', classifier.Manifest.Labels) + ",errorCode,error,ms");
        }

        var rejected = 0;
        foreach (var file in files)
        {
            var clock = Stopwatch.StartNew();
            var result = Classify(classifier, file);
            var milliseconds = clock.Elapsed.TotalMilliseconds;
            rejected += result.Status == ClassificationStatus.Classified ? 0 : 1;
            output.WriteLine(format switch
            {
                "json" => Json(file, result),
                "csv" => Csv(file, result, classifier.Manifest.Labels, milliseconds),
                _ => Table(file, result, milliseconds),
            });
        }

        return rejected == 0 ? ExitCodes.Success : ExitCodes.SomeRejected;
    }

    private static ClassificationResult Classify(EmotionClassifier classifier, string file)
    {
        try
        {
            return classifier.Classify(File.ReadAllBytes(file));
        }
        catch (IOException e)
        {
            return ClassificationResult.Rejected("file-unreadable", e.Message, classifier.Version);
        }
        catch (UnauthorizedAccessException e)
        {
            return ClassificationResult.Rejected("file-unreadable", e.Message, classifier.Version);
        }
    }

    private static List<string> Expand(IReadOnlyList<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new CliException($"'{path}' is neither a file nor a folder.");
            }
        }

        return files;
    }

    private static string Json(string path, ClassificationResult result) => JsonSerializer.Serialize(new
    {
        path,
        status = result.Status,
        emotion = result.Emotion,
        confidence = result.Status == ClassificationStatus.Classified ? result.Confidence : (double?)null,
        scores = result.Scores,
        width = result.Width,
        height = result.Height,
        modelVersion = result.ModelVersion,
        errorCode = result.ErrorCode,
        error = result.Error,
    }, JsonLine);

    private static string Csv(string path, ClassificationResult result, IReadOnlyList<string> labels, double milliseconds)
    {
        static string Field(string? value) => value is null ? string.Empty : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        var scores = labels.Select(l => result.Scores.TryGetValue(l, out var p) ? p.ToString("F6", CultureInfo.InvariantCulture) : string.Empty);
        return string.Join(',', new[] { Field(path), result.Status, result.Emotion ?? string.Empty, result.Status == ClassificationStatus.Classified ? result.Confidence.ToString("F6", CultureInfo.InvariantCulture) : string.Empty }
            .Concat(scores).Concat([result.ErrorCode ?? string.Empty, Field(result.Error), milliseconds.ToString("F1", CultureInfo.InvariantCulture)]));
    }

    private static string Table(string path, ClassificationResult result, double milliseconds) =>
        result.Status == ClassificationStatus.Classified
            ? string.Create(CultureInfo.InvariantCulture, $"{result.Emotion,-10} {result.Confidence,6:P1}  {milliseconds,6:F1} ms  {path}")
            : $"{result.Status,-10} {result.ErrorCode}  {path}: {result.Error}";
}

/// <summary>A failure fer reports in one line and exits 1 for.</summary>
internal sealed class CliException(string message) : Exception(message)
{
    public CliException()
        : this("fer failed.")
    {
    }

    public CliException(string message, Exception innerException)
        : this(message) => _ = innerException;
}
