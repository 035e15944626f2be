namespace Fer.Training.Training;

/// <summary>How well confidences match accuracy, and what flagging low confidences as uncertain buys.</summary>
public sealed record CalibrationReport
{
    /// <summary>Expected calibration error: over 15 equal-width confidence bins, the images' share times |accuracy - mean confidence|.</summary>
    public required double ExpectedCalibrationError { get; init; }

    public required double NegativeLogLikelihood { get; init; }

    public double? UncertainBelow { get; init; }

    /// <summary>Share of images answered with confidence (not uncertain).</summary>
    public required double Coverage { get; init; }

    /// <summary>Accuracy of the confident answers.</summary>
    public required double ConfidentAccuracy { get; init; }

    public required int Images { get; init; }

    /// <summary>Per confidence bin: [lower edge, images, accuracy, mean confidence] (the reliability diagram's data).</summary>
    public required IReadOnlyList<double[]> Bins { get; init; }
}

/// <summary>
/// Temperature scaling (Guo et al., 2017) and the choice of the confidence below which answers are flagged uncertain.
/// Works from each image's class probabilities as served, so it measures exactly what users get.
/// </summary>
public static class Calibration
{
    public const int BinCount = 15;

    /// <summary>
    /// The factor k that, applied to the log-probabilities (softmax(k log p)), minimises the negative log-likelihood of the
    /// true labels: a model served at temperature T becomes calibrated at temperature T / k. Golden-section search on log k.
    /// </summary>
    public static double FitSharpening(IReadOnlyList<double[]> probabilities, IReadOnlyList<int> truth)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(truth);
        var (low, high) = (Math.Log(0.05), Math.Log(20));
        var ratio = (Math.Sqrt(5) - 1) / 2;
        for (var i = 0; i < 80; i++)
        {
            var a = high - (ratio * (high - low));
            var b = low + (ratio * (high - low));
            if (NegativeLogLikelihood(Sharpen(probabilities, Math.Exp(a)), truth) < NegativeLogLikelihood(Sharpen(probabilities, Math.Exp(b)), truth))
            {
                high = b;
            }
            else
            {
                low = a;
            }
        }

        return Math.Exp((low + high) / 2);
    }

    /// <summary>softmax(k log p) per image: the probabilities of the same logits at temperature T / k.</summary>
    public static IReadOnlyList<double[]> Sharpen(IReadOnlyList<double[]> probabilities, double k)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        return [.. probabilities.Select(p =>
        {
            var logs = p.Select(v => k * Math.Log(Math.Max(v, 1e-300))).ToArray();
            var max = logs.Max();
            var exps = logs.Select(v => Math.Exp(v - max)).ToArray();
            var sum = exps.Sum();
            return exps.Select(v => v / sum).ToArray();
        })];
    }

    public static double NegativeLogLikelihood(IReadOnlyList<double[]> probabilities, IReadOnlyList<int> truth)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(truth);
        return probabilities.Select((p, i) => -Math.Log(Math.Max(p[truth[i]], 1e-12))).Average();
    }

    /// <summary>
    /// The lowest confidence threshold whose confident answers are right at least <paramref name="precision"/> of the
    /// time, i.e. the one that leaves the fewest answers uncertain; null when no threshold reaches it.
    /// </summary>
    public static double? ChooseThreshold(IReadOnlyList<double[]> probabilities, IReadOnlyList<int> truth, double precision)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(truth);
        var answers = probabilities.Select((p, i) => (Confidence: p.Max(), Right: Array.IndexOf(p, p.Max()) == truth[i]))
            .OrderByDescending(a => a.Confidence).ToList();
        double? best = null;
        var right = 0;
        for (var n = 1; n <= answers.Count; n++)
        {
            right += answers[n - 1].Right ? 1 : 0;

            // Only between distinct confidences: a threshold cannot split equal ones.
            var boundary = n == answers.Count || answers[n].Confidence < answers[n - 1].Confidence;
            if (boundary && (double)right / n >= precision)
            {
                best = answers[n - 1].Confidence;
            }
        }

        return best;
    }

    public static CalibrationReport Measure(IReadOnlyList<double[]> probabilities, IReadOnlyList<int> truth, double? uncertainBelow)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(truth);
        var answers = probabilities.Select((p, i) => (Confidence: p.Max(), Right: Array.IndexOf(p, p.Max()) == truth[i])).ToList();
        var bins = new List<double[]>();
        var ece = 0.0;
        for (var b = 0; b < BinCount; b++)
        {
            var (low, high) = ((double)b / BinCount, (double)(b + 1) / BinCount);
            var inBin = answers.Where(a => a.Confidence > low && (a.Confidence <= high || b == BinCount - 1)).ToList();
            var accuracy = inBin.Count == 0 ? 0 : inBin.Count(a => a.Right) / (double)inBin.Count;
            var confidence = inBin.Count == 0 ? 0 : inBin.Average(a => a.Confidence);
            ece += (double)inBin.Count / Math.Max(1, answers.Count) * Math.Abs(accuracy - confidence);
            bins.Add([low, inBin.Count, accuracy, confidence]);
        }

        var confident = answers.Where(a => uncertainBelow is not { } t || a.Confidence >= t).ToList();
        return new CalibrationReport
        {
            ExpectedCalibrationError = ece,
            NegativeLogLikelihood = NegativeLogLikelihood(probabilities, truth),
            UncertainBelow = uncertainBelow,
            Coverage = (double)confident.Count / Math.Max(1, answers.Count),
            ConfidentAccuracy = confident.Count == 0 ? 0 : confident.Count(a => a.Right) / (double)confident.Count,
            Images = answers.Count,
            Bins = bins,
        };
    }
}
