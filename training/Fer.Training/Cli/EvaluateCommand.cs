using System.CommandLine;
using System.Diagnostics;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Training.Data;
using Fer.Training.Reporting;
using Fer.Training.Training;

namespace Fer.Training.Cli;

/// <summary>
/// <c>fer-train evaluate</c>: an exported ONNX model on any labelled data, through Fer.Inference
/// exactly as serving runs it (same checks, same preprocessing, same runtime).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A model version folder (model.onnx + manifest.json).", Required = true };
        var data = new Option<DirectoryInfo>("--data") { Description = "The data set's root folder.", Required = true };
        var layout = new Option<string>("--layout") { Description = "folders | rafdb", DefaultValueFactory = _ => "folders" };
        layout.AcceptOnlyFromAmong("folders", "rafdb");
        var split = new Option<string>("--split") { Description = "The split to evaluate.", DefaultValueFactory = _ => "test" };
        var only = new Option<FileInfo?>("--only") { Description = "Evaluate only the images listed (path relative to --data, a tab, the label), e.g. a run's test-split.txt." };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write metrics.json; the text report and confusion matrix go beside it." };
        var command = new Command("evaluate", "Evaluate an exported model on labelled images, as serving would classify them.")
        {
            model, data, layout, split, only, output,
        };
        command.SetAction(parse => Run(
            parse.GetValue(model)!.FullName,
            parse.GetValue(data)!.FullName,
            Enum.Parse<DatasetLayout>(parse.GetValue(layout)!, ignoreCase: true),
            parse.GetValue(split)!,
            parse.GetValue(only)?.FullName,
            parse.GetValue(output)?.FullName));
        return command;
    }

    private static int Run(string modelDirectory, string dataRoot, DatasetLayout layout, string split, string? only, string? output)
    {
        var clock = Stopwatch.StartNew();
        using var classifier = EmotionClassifier.Open(modelDirectory);
        var images = only is not null ? ReadList(dataRoot, only) : DatasetScanner.Scan(dataRoot, layout, split).Images;
        var progress = new ProgressBar("evaluate", images.Count);
        var predictions = ServingEvaluator.Classify(classifier, images, progress: done => progress.Report(done, string.Empty));
        progress.Finish(images.Count, string.Empty);
        var classified = predictions.Where(p => p.Result.Status == ClassificationStatus.Classified).ToList();
        var truth = classified.Select(p => p.Image.Label).ToList();
        var predicted = classified.Select(p => ServingEvaluator.LabelIndex(p.Result)).ToList();
        var rejected = predictions.Where(p => p.Result.Status != ClassificationStatus.Classified).Select(p => $"{p.Image.Path}: {p.Result.ErrorCode}: {p.Result.Error}").ToList();

        var metrics = ClassificationMetrics.Compute(truth, predicted, EmotionLabels.Canonical);
        var metricsPath = output ?? Path.Combine(modelDirectory, "evaluation", ReportWriter.MetricsFile);
        var title = $"{classifier.Version} on {Path.GetFileName(dataRoot)}/{(only is not null ? Path.GetFileName(only) : split)} ({truth.Count} images)";
        ReportWriter.Write(Path.GetDirectoryName(Path.GetFullPath(metricsPath))!, metrics, title, new Dictionary<string, object?>
        {
            ["modelVersion"] = classifier.Version,
            ["data"] = Path.GetFileName(dataRoot),
            ["split"] = only is not null ? Path.GetFileName(only) : split,
            ["rejectedImages"] = rejected,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        }, metricsPath);
        Console.WriteLine(title);
        Console.WriteLine(metrics.ToReportText());
        foreach (var line in rejected)
        {
            Console.WriteLine($"  rejected: {line}");
        }

        Console.WriteLine($"Wrote {metricsPath} ({clock.Elapsed.TotalSeconds:F1} s).");
        return ExitCodes.Success;
    }

    private static List<LabelledImage> ReadList(string root, string listFile) =>
        File.ReadLines(listFile)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => line.Split('\t'))
            .Select(fields => new LabelledImage(Path.Combine(root, fields[0]), EmotionLabels.FromFolderName(fields.Length > 1 ? fields[1] : string.Empty)))
            .ToList();
}
