using System.Diagnostics;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Training.Data;
using Fer.Training.Reporting;
using Fer.Training.Training;

namespace Fer.Training.Cli;

/// <summary>
/// What <c>fer-train train --publish</c> does after training and export: measure the exported folder through the
/// serving code (so a mirror-averaged export is measured as it will serve), keep that report in the folder, and
/// publish the folder with <see cref="Fer.Inference.Storage.ModelStore.PublishAsync"/> (optionally promoting it).
/// </summary>
internal sealed record TrainingJob(bool Publish, bool Promote, bool MirrorAverage)
{
    public const string ServingReportFolder = "report/serving";

    public async Task<int> FinishAsync(TrainingStorage? storage, string modelDirectory, IReadOnlyList<LabelledImage> heldOut, string split, TextWriter log, CancellationToken cancellationToken)
    {
        if (!Publish)
        {
            return ExitCodes.Success;
        }

        ArgumentNullException.ThrowIfNull(storage);
        var metrics = EvaluateAsServed(modelDirectory, heldOut, split, log);
        var manifest = await storage.Models.PublishAsync(modelDirectory, Promote, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"Published {manifest.Version} to the models container{(Promote ? " and promoted it: serving follows it" : "; promote it with: fer model promote " + manifest.Version)} " +
                      $"(served accuracy {metrics.Accuracy:F3}, macro F1 {metrics.MacroF1:F3}).");
        return ExitCodes.Success;
    }

    private static ClassificationMetrics EvaluateAsServed(string modelDirectory, IReadOnlyList<LabelledImage> images, string split, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        using var classifier = EmotionClassifier.Open(modelDirectory);
        var predictions = ServingEvaluator.Classify(classifier, images);
        var classified = predictions.Where(p => p.Result.Status == ClassificationStatus.Classified).ToList();
        var metrics = ClassificationMetrics.Compute(
            classified.Select(p => p.Image.Label).ToList(), classified.Select(p => ServingEvaluator.LabelIndex(p.Result)).ToList(), EmotionLabels.Canonical);
        var title = $"{classifier.Version} as served, {split} split ({classified.Count} images)";
        ReportWriter.Write(Path.Combine(modelDirectory, ServingReportFolder), metrics, title, new Dictionary<string, object?>
        {
            ["modelVersion"] = classifier.Version,
            ["split"] = split,
            ["rejectedImages"] = predictions.Count - classified.Count,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        });
        log.WriteLine($"{title}: accuracy {metrics.Accuracy:F3}, macro F1 {metrics.MacroF1:F3}.");
        return metrics;
    }
}
