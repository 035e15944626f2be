using System.Text.Json.Serialization;

namespace Fer.Inference.Models;

/// <param name="Temperature">
/// Calibration: the logits are divided by it before the softmax, so that a confidence of 0.8 is right about 80 % of
/// the time (fitted on held-out faces by <c>fer-train calibrate</c>). Absent: 1.
/// </param>
/// <param name="UncertainBelow">
/// Answers whose (calibrated) confidence is below it are flagged <c>uncertain</c>; the label is still given. Absent: never.
/// </param>
public sealed record ModelOutput(string Name, double? Temperature = null, double? UncertainBelow = null)
{
    [JsonIgnore]
    public double Scale => 1 / (Temperature ?? 1);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return "output.name is missing";
        }

        if (Temperature is { } t && (!double.IsFinite(t) || t is < 0.05 or > 20))
        {
            yield return $"output.temperature {t} is outside 0.05..20";
        }

        if (UncertainBelow is { } u && (!double.IsFinite(u) || u is < 0 or > 1))
        {
            yield return $"output.uncertainBelow {u} is outside 0..1";
        }
    }
}
