using System.Text.Json;
using System.Text.RegularExpressions;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Models;
using Fer.Training.Cli;
using Fer.Training.Export;
using Fer.Training.Reporting;
using Fer.Training.Training;
using SkiaSharp;

namespace Fer.Training.Tests;

/// <summary>
/// <c>fer-train train</c> end to end on a folder data set, as a user runs it: what the run leaves on disk and on the
/// console. (TrainingJobTests covers the same verb from blob data to a published model; this covers the files.)
/// </summary>
[Collection(ConsoleTests.Name)]
public sealed partial class TrainCommandTests
{
    [Fact]
    public void One_epoch_writes_the_report_charts_and_a_loadable_model_and_shows_its_progress()
    {
        using var temp = new TempDirectory();
        var data = temp.File("faces");
        // 70 faces, about a sixth each carved for validation and test.
        MiniatureDataset.WriteFolders(data, "train", perClass: 10, size: 48, seed: 31);
        var run = temp.File("run");

        var (exit, output, error) = FerTrain(
        [
            "train", "--data", data, "--val-from", "train:0.15", "--test-from", "train:0.15",
            "--backbone", "resnet18", "--cbam", "light", "--image-size", "32", "--color", "gray", "--batch-size", "10",
            "--stage1-epochs", "0", "--stage2-epochs", "1", "--stage2-lr", "1e-3", "--no-jitter", "--no-flip", "--no-rotation",
            "--report-exact", "--seed", "5", "--threads", "2", "--out", run,
        ]);

        Assert.True(exit == ExitCodes.Success, output + error);
        Assert.DoesNotContain("deprecated", error, StringComparison.Ordinal);

        // Progress: a bar with its rate and ETA on stderr, one summary line per epoch on stdout.
        Assert.Matches(EpochProgress(), error);
        Assert.Contains("decode train", error, StringComparison.Ordinal);
        Assert.Matches(@"stage 2 epoch 1/1: train loss \d+\.\d{4} acc [01]\.\d{4} \| val loss \d+\.\d{4} acc [01]\.\d{4} macro-F1 [01]\.\d{4} \| \d+\.\d img/s", output);

        // The run directory: settings, state, checkpoints and the held-out list.
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunFiles.ConfigFile)));
        Assert.True(config.RootElement.GetProperty("options").GetProperty("reportExact").GetBoolean()); // --report-exact
        var counts = config.RootElement.GetProperty("counts");
        var (train, test) = (counts.GetProperty("train").GetInt32(), counts.GetProperty("test").GetInt32());
        Assert.Equal(70, train + counts.GetProperty("validation").GetInt32() + test);
        Assert.True(RunState.Load(run)!.Finished);
        Assert.True(File.Exists(Path.Combine(run, Trainer.BestWeights)));
        Assert.True(File.Exists(Path.Combine(run, Trainer.LastWeights)));
        Assert.Equal(test, File.ReadAllLines(Path.Combine(run, "test-split.txt")).Length);

        // The report: measured on the test split, every class in the text report, one epoch in the history.
        var report = Path.Combine(run, "report");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, ReportWriter.MetricsFile)));
        Assert.Equal("test", metrics.RootElement.GetProperty("split").GetString());
        Assert.Equal(test, metrics.RootElement.GetProperty("support").GetInt32());
        var accuracy = metrics.RootElement.GetProperty("accuracy").GetDouble();
        Assert.InRange(accuracy, 0, 1);
        var text = File.ReadAllText(Path.Combine(report, ReportWriter.TextFile));
        Assert.All(EmotionLabels.Canonical, label => Assert.Contains(label, text, StringComparison.Ordinal));
        using var history = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "history.json")));
        Assert.Single(history.RootElement.EnumerateArray());
        foreach (var chart in new[] { SampleSheet.FileName, ReportWriter.ConfusionFile, ReportWriter.CurvesFile })
        {
            AssertIsAChart(Path.Combine(report, chart));
        }

        // The model: a verified folder that serving loads and classifies with, carrying the report and the test metrics.
        var model = Path.Combine(run, "model");
        Assert.True(File.Exists(Path.Combine(model, ParityReport.FileName)));
        Assert.Equal(Directory.GetFiles(report).Select(Path.GetFileName).Order(), Directory.GetFiles(Path.Combine(model, "report")).Select(Path.GetFileName).Order());
        using var classifier = EmotionClassifier.Open(model);
        Assert.Equal(new ModelArchitecture("resnet18", "light"), classifier.Manifest.Architecture);
        Assert.Equal((32, "gray"), (classifier.Manifest.Input.Size, classifier.Manifest.Input.Color));
        Assert.Equal(accuracy, classifier.Manifest.Training!.Metrics!["accuracy"]);
        var result = classifier.Classify(File.ReadAllBytes(Path.Combine(data, "train", "happy", "img_000.png")));
        Assert.Equal(ClassificationStatus.Classified, result.Status);
        Assert.Contains(result.Emotion, EmotionLabels.Canonical);
    }

    /// <summary>A PNG that decodes to a picture of a readable size with something drawn on it.</summary>
    private static void AssertIsAChart(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        Assert.True(bitmap is not null, $"{path} does not decode");
        Assert.InRange(bitmap.Width, 200, 4000);
        Assert.InRange(bitmap.Height, 150, 4000);
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 7)
        {
            for (var x = 0; x < bitmap.Width; x += 7)
            {
                colours.Add(bitmap.GetPixel(x, y));
            }
        }

        Assert.True(colours.Count > 2, $"{path} is blank");
    }

    /// <summary>Runs a fer-train command line in-process, as Program does, with the console captured.</summary>
    internal static (int Exit, string Output, string Error) FerTrain(string[] args) =>
        ConsoleCapture.RunAsync(() => Task.FromResult(FerTrainCommandLine.Run(args))).GetAwaiter().GetResult();

    // "stage 2 epoch 1/1 [####....] 100 % 50/50   123.4 img/s ETA 00:00 loss 1.946 acc 0.140"
    [GeneratedRegex(@"stage 2 epoch 1/1 \[[#.]{24}\] +\d+ ?% \d+/\d+ +\d+\.\d img/s ETA \d\d:\d\d loss \d+\.\d{3} acc [01]\.\d{3}")]
    private static partial Regex EpochProgress();
}
