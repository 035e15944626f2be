using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Fer.Training.Reporting;

/// <summary>Per-class precision, recall, F1 and support for one label.</summary>
public sealed record ClassMetrics(double Precision, double Recall, double F1, int Support);

/// <summary>
/// Accuracy, per-class and averaged precision/recall/F1 and the confusion matrix (rows = true
/// labels), computed as scikit-learn's classification_report does (0 where a ratio is undefined).
/// </summary>
public sealed record ClassificationMetrics
{
    public required double Accuracy { get; init; }

    public required double MacroPrecision { get; init; }

    public required double MacroRecall { get; init; }

    public required double MacroF1 { get; init; }

    public required double WeightedPrecision { get; init; }

    public required double WeightedRecall { get; init; }

    public required double WeightedF1 { get; init; }

    public required int Support { get; init; }

    public required IReadOnlyDictionary<string, ClassMetrics> PerClass { get; init; }

    public required int[][] Confusion { get; init; }

    [JsonIgnore]
    public IReadOnlyList<string> Labels { get; init; } = [];

    public static ClassificationMetrics Compute(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(labels);
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException($"{truth.Count} true labels but {predicted.Count} predictions.", nameof(predicted));
        }

        var k = labels.Count;
        var confusion = Enumerable.Range(0, k).Select(_ => new int[k]).ToArray();
        for (var i = 0; i < truth.Count; i++)
        {
            confusion[truth[i]][predicted[i]]++;
        }

        var perClass = new Dictionary<string, ClassMetrics>();
        for (var c = 0; c < k; c++)
        {
            var tp = confusion[c][c];
            var support = confusion[c].Sum();
            var predictedCount = confusion.Sum(row => row[c]);
            var precision = predictedCount == 0 ? 0 : (double)tp / predictedCount;
            var recall = support == 0 ? 0 : (double)tp / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass[labels[c]] = new ClassMetrics(precision, recall, f1, support);
        }

        var total = truth.Count;
        var values = perClass.Values.ToList();
        double Weighted(Func<ClassMetrics, double> metric) => total == 0 ? 0 : values.Sum(m => metric(m) * m.Support) / total;
        return new ClassificationMetrics
        {
            Accuracy = total == 0 ? 0 : (double)Enumerable.Range(0, k).Sum(c => confusion[c][c]) / total,
            MacroPrecision = values.Average(m => m.Precision),
            MacroRecall = values.Average(m => m.Recall),
            MacroF1 = values.Average(m => m.F1),
            WeightedPrecision = Weighted(m => m.Precision),
            WeightedRecall = Weighted(m => m.Recall),
            WeightedF1 = Weighted(m => m.F1),
            Support = total,
            PerClass = perClass,
            Confusion = confusion,
            Labels = labels,
        };
    }

    /// <summary>The text layout of scikit-learn's classification_report (two decimals).</summary>
    public string ToReportText()
    {
        var culture = CultureInfo.InvariantCulture;
        var width = Math.Max(12, Labels.Max(l => l.Length));
        var text = new StringBuilder();
        text.Append(' ', width).AppendLine("  precision    recall  f1-score   support").AppendLine();
        foreach (var label in Labels)
        {
            var m = PerClass[label];
            text.AppendLine(culture, $"{label.PadLeft(width)}  {m.Precision,9:F2} {m.Recall,9:F2} {m.F1,9:F2} {m.Support,9}");
        }

        text.AppendLine()
            .AppendLine(culture, $"{"accuracy".PadLeft(width)}  {string.Empty,9} {string.Empty,9} {Accuracy,9:F2} {Support,9}")
            .AppendLine(culture, $"{"macro avg".PadLeft(width)}  {MacroPrecision,9:F2} {MacroRecall,9:F2} {MacroF1,9:F2} {Support,9}")
            .AppendLine(culture, $"{"weighted avg".PadLeft(width)}  {WeightedPrecision,9:F2} {WeightedRecall,9:F2} {WeightedF1,9:F2} {Support,9}");
        return text.ToString();
    }
}
