using Fer.Training.Reporting;

namespace Fer.Training.Tests;

public sealed class ClassificationMetricsTests
{
    private static readonly string[] Labels = ["A", "B", "C"];

    /// <summary>
    /// Hand-computed: true A A A A B B C C C C, predicted A A B C B A C C C B.
    /// Confusion (rows true): A [2,1,1], B [1,1,0], C [0,1,3].
    /// A: P 2/3, R 2/4, F1 4/7. B: P 1/3, R 1/2, F1 2/5. C: P 3/4, R 3/4, F1 3/4. Accuracy 6/10.
    /// </summary>
    [Fact]
    public void Metrics_json_is_camelCase_and_keeps_the_labels_as_written()
    {
        var m = ClassificationMetrics.Compute([0, 1, 2], [0, 1, 1], Labels);

        using var json = System.Text.Json.JsonDocument.Parse(ReportWriter.ToJson(m, new Dictionary<string, object?> { ["split"] = "test" }));

        Assert.Equal(2.0 / 3, json.RootElement.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(m.MacroF1, json.RootElement.GetProperty("macroF1").GetDouble(), 12);
        Assert.Equal(1.0, json.RootElement.GetProperty("perClass").GetProperty("A").GetProperty("f1").GetDouble(), 12);
        Assert.Equal("test", json.RootElement.GetProperty("split").GetString());
    }

    [Fact]
    public void Metrics_match_a_hand_computed_confusion_matrix()
    {
        int[] truth = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2];
        int[] predicted = [0, 0, 1, 2, 1, 0, 2, 2, 2, 1];

        var m = ClassificationMetrics.Compute(truth, predicted, Labels);

        Assert.Equal([[2, 1, 1], [1, 1, 0], [0, 1, 3]], m.Confusion);
        Assert.Equal(0.6, m.Accuracy, 12);
        Assert.Equal(2.0 / 3, m.PerClass["A"].Precision, 12);
        Assert.Equal(0.5, m.PerClass["A"].Recall, 12);
        Assert.Equal(4.0 / 7, m.PerClass["A"].F1, 12);
        Assert.Equal(0.4, m.PerClass["B"].F1, 12);
        Assert.Equal(0.75, m.PerClass["C"].F1, 12);
        Assert.Equal(((4.0 / 7) + 0.4 + 0.75) / 3, m.MacroF1, 12);
        Assert.Equal((((4.0 / 7) * 4) + (0.4 * 2) + (0.75 * 4)) / 10, m.WeightedF1, 12);
        Assert.Equal(4, m.PerClass["C"].Support);
    }

    [Fact]
    public void A_class_never_predicted_has_zero_precision_not_nan()
    {
        var m = ClassificationMetrics.Compute([0, 1, 2], [0, 0, 0], Labels);

        Assert.Equal(0, m.PerClass["B"].Precision);
        Assert.Equal(0, m.PerClass["B"].F1);
        Assert.False(double.IsNaN(m.MacroF1));
    }

    [Fact]
    public void The_text_report_is_laid_out_like_scikit_learns()
    {
        var text = ClassificationMetrics.Compute([0, 0, 0, 0, 1, 1, 2, 2, 2, 2], [0, 0, 1, 2, 1, 0, 2, 2, 2, 1], Labels).ToReportText();
        var lines = text.Split(Environment.NewLine);

        Assert.Equal("              precision    recall  f1-score   support", lines[0]);
        Assert.Equal("           A       0.67      0.50      0.57         4", lines[2]);
        Assert.Equal("    accuracy                           0.60        10", lines[6]);
        Assert.Equal("   macro avg       0.58      0.58      0.57        10", lines[7]);
        Assert.Equal("weighted avg       0.63      0.60      0.61        10", lines[8]);
    }
}
