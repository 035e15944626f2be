using Fer.Inference;

namespace Fer.Training.Reporting;

/// <summary>Writes an evaluation report: metrics.json, the text report, and the confusion-matrix picture.</summary>
public static class ReportWriter
{
    public const string MetricsFile = "metrics.json";
    public const string TextFile = "classification_report.txt";
    public const string ConfusionFile = "confusion_matrix.png";
    public const string CurvesFile = "training_curves.png";

    public static void Write(string directory, ClassificationMetrics metrics, string title, IReadOnlyDictionary<string, object?> context, string? metricsPath = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Directory.CreateDirectory(directory);
        File.WriteAllText(metricsPath ?? Path.Combine(directory, MetricsFile), ToJson(metrics, context));
        File.WriteAllText(Path.Combine(directory, TextFile), $"{title}{Environment.NewLine}{Environment.NewLine}{metrics.ToReportText()}");
        ConfusionMatrixChart.Save(metrics, Path.Combine(directory, ConfusionFile), title);
    }

    /// <summary>metrics.json: accuracy, macroF1, weightedF1, perClass, confusion (rows = true labels, canonical order) and context.</summary>
    public static string ToJson(ClassificationMetrics metrics, IReadOnlyDictionary<string, object?> context)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(context);
        var document = new Dictionary<string, object?>
        {
            ["accuracy"] = metrics.Accuracy,
            ["macroF1"] = metrics.MacroF1,
            ["weightedF1"] = metrics.WeightedF1,
            ["macroPrecision"] = metrics.MacroPrecision,
            ["macroRecall"] = metrics.MacroRecall,
            ["weightedPrecision"] = metrics.WeightedPrecision,
            ["weightedRecall"] = metrics.WeightedRecall,
            ["support"] = metrics.Support,
            ["labels"] = metrics.Labels,
            ["perClass"] = metrics.PerClass.ToDictionary(
                p => p.Key,
                p => new Dictionary<string, object> { ["precision"] = p.Value.Precision, ["recall"] = p.Value.Recall, ["f1"] = p.Value.F1, ["support"] = p.Value.Support }),
            ["confusion"] = metrics.Confusion,
        };
        foreach (var (key, value) in context)
        {
            document[key] = value;
        }

        return FerJson.Write(document);
    }
}
