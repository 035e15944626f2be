using Fer.Training.Training;

namespace Fer.Training.Tests;

public sealed class CalibrationTests
{
    /// <summary>Faces whose true label is drawn from softmax(logits / trueTemperature): probabilities served at T = 1 are overconfident by that factor.</summary>
    private static (List<double[]> Probabilities, List<int> Truth) Overconfident(double trueTemperature, int count, int seed)
    {
        var random = new Random(seed);
        var probabilities = new List<double[]>();
        var truth = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var logits = Enumerable.Range(0, 7).Select(_ => random.NextDouble() * 6).ToArray();
            probabilities.Add(Softmax(logits, 1));
            var calibrated = Softmax(logits, trueTemperature);
            var (u, label, sum) = (random.NextDouble(), 0, 0.0);
            for (; label < 6; label++)
            {
                sum += calibrated[label];
                if (u < sum)
                {
                    break;
                }
            }

            truth.Add(label);
        }

        return (probabilities, truth);
    }

    private static double[] Softmax(double[] logits, double temperature)
    {
        var exps = logits.Select(z => Math.Exp((z - logits.Max()) / temperature)).ToArray();
        return [.. exps.Select(e => e / exps.Sum())];
    }

    [Fact]
    public void Temperature_scaling_recovers_the_temperature_and_lowers_the_calibration_error()
    {
        var (probabilities, truth) = Overconfident(trueTemperature: 2, count: 6000, seed: 1);

        var sharpening = Calibration.FitSharpening(probabilities, truth);
        var before = Calibration.Measure(probabilities, truth, null);
        var after = Calibration.Measure(Calibration.Sharpen(probabilities, sharpening), truth, null);

        Assert.InRange(1 / sharpening, 1.8, 2.2);
        Assert.True(before.ExpectedCalibrationError > 0.05, $"before {before.ExpectedCalibrationError:F3}");
        Assert.True(after.ExpectedCalibrationError < 0.03, $"after {after.ExpectedCalibrationError:F3}");
        Assert.True(after.NegativeLogLikelihood < before.NegativeLogLikelihood);
    }

    [Fact]
    public void The_threshold_is_the_lowest_confidence_whose_confident_answers_reach_the_precision()
    {
        // Confidence, right: the top three are right, then a wrong one, then right ones.
        double[][] probabilities = [[0.95, 0.05], [0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.65, 0.35], [0.6, 0.4]];
        int[] truth = [0, 0, 0, 1, 0, 1];

        Assert.Equal(0.8, Calibration.ChooseThreshold(probabilities, truth, 1.0));
        Assert.Equal(0.65, Calibration.ChooseThreshold(probabilities, truth, 0.8));
        Assert.Null(Calibration.ChooseThreshold([[0.9, 0.1]], [1], 0.5));

        var report = Calibration.Measure(probabilities, truth, 0.65);
        Assert.Equal(5 / 6.0, report.Coverage, 6);
        Assert.Equal(0.8, report.ConfidentAccuracy, 6);
    }

    [Fact]
    public void Perfectly_calibrated_bins_have_no_error()
    {
        // Ten answers at 0.8 of which eight are right.
        var probabilities = Enumerable.Range(0, 10).Select(_ => (double[])[0.8, 0.2]).ToList();
        var truth = Enumerable.Range(0, 10).Select(i => i < 8 ? 0 : 1).ToList();

        Assert.Equal(0, Calibration.Measure(probabilities, truth, null).ExpectedCalibrationError, 9);
    }
}
