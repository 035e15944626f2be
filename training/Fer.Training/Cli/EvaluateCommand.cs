using System.CommandLine;
using System.Diagnostics;
using Fer.Inference;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
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
        using var folder = ModelVersionFolder.Open(modelDirectory);
        var images = only is not null ? ReadList(dataRoot, only) : DatasetScanner.Scan(dataRoot, layout, split).Images;
        var (truth, predicted, rejected) = Classify(folder, images);

        var metrics = ClassificationMetrics.Compute(truth, predicted, EmotionLabels.Canonical);
        var metricsPath = output ?? Path.Combine(modelDirectory, "evaluation", ReportWriter.MetricsFile);
        var title = $"{folder.Manifest.Version} on {Path.GetFileName(dataRoot)}/{(only is not null ? Path.GetFileName(only) : split)} ({truth.Count} images)";
        ReportWriter.Write(Path.GetDirectoryName(Path.GetFullPath(metricsPath))!, metrics, title, new Dictionary<string, object?>
        {
            ["model_version"] = folder.Manifest.Version,
            ["data"] = Path.GetFileName(dataRoot),
            ["split"] = only is not null ? Path.GetFileName(only) : split,
            ["rejected_images"] = rejected,
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

    /// <summary>Classifies in batches through the serving preprocessing and ONNX session.</summary>
    public static (List<int> Truth, List<int> Predicted, List<string> Rejected) Classify(ModelVersionFolder folder, IReadOnlyList<LabelledImage> images, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(images);
        var preprocessor = new ImagePreprocessor(folder.Manifest.Input);
        var (truth, predicted, rejected) = (new List<int>(), new List<int>(), new List<string>());
        var progress = new ProgressBar("evaluate", images.Count);
        for (var start = 0; start < images.Count; start += batchSize)
        {
            var chunk = images.Skip(start).Take(batchSize).ToList();
            var tensors = new float[chunk.Count][];
            Parallel.For(0, chunk.Count, i =>
            {
                try
                {
                    var tensor = new float[preprocessor.TensorLength];
                    preprocessor.Preprocess(File.ReadAllBytes(chunk[i].Path), tensor);
                    tensors[i] = tensor;
                }
                catch (ImageRejectedException e)
                {
                    lock (rejected)
                    {
                        rejected.Add($"{chunk[i].Path}: {e.Code}: {e.Message}");
                    }
                }
            });

            var kept = Enumerable.Range(0, chunk.Count).Where(i => tensors[i] is not null).ToList();
            if (kept.Count > 0)
            {
                var logits = folder.Session.Run(kept.SelectMany(i => tensors[i]).ToArray(), kept.Count);
                var classes = folder.Session.ClassCount;
                for (var k = 0; k < kept.Count; k++)
                {
                    var row = logits.AsSpan(k * classes, classes);
                    truth.Add(chunk[kept[k]].Label);
                    predicted.Add(row.IndexOf(TensorMax(row)));
                }
            }

            progress.Report(Math.Min(images.Count, start + chunk.Count), string.Empty);
        }

        progress.Finish(images.Count, string.Empty);
        return (truth, predicted, rejected);
    }

    private static float TensorMax(ReadOnlySpan<float> values)
    {
        var max = values[0];
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }

    private static List<LabelledImage> ReadList(string root, string listFile) =>
        File.ReadLines(listFile)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => line.Split('\t'))
            .Select(fields => new LabelledImage(Path.Combine(root, fields[0]), EmotionLabels.FromFolderName(fields.Length > 1 ? fields[1] : string.Empty)))
            .ToList();
}
