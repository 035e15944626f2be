using System.Globalization;
using Fer.Inference;

namespace Fer.Training.Cli;

internal static class OptionParsing
{
    /// <summary>Parses "train:0.1" (the only source supported: a fraction of the train split).</summary>
    public static double? FractionOfTrain(string? value, string option)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var parts = value.Split(':');
        if (parts.Length != 2 || parts[0] != "train" || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) || fraction is <= 0 or >= 0.9)
        {
            throw new FerException($"{option} '{value}' is not of the form train:F with 0 < F < 0.9 (e.g. train:0.1).");
        }

        return fraction;
    }

    /// <summary>--val-from: "train:F" (a fraction of train) or the name of a split folder used whole.</summary>
    public static (double? Fraction, string? Split) ValidationSource(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.StartsWith("train:", StringComparison.Ordinal))
        {
            return (FractionOfTrain(value, "--val-from"), null);
        }

        return value.Contains(':', StringComparison.Ordinal) || value.Contains('/', StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal)
            ? throw new FerException($"--val-from '{value}' is neither train:F nor the name of a split folder (e.g. val).")
            : (null, value);
    }

    /// <summary>A value in [0, max], or a clear error naming the option.</summary>
    public static double Fraction(double value, string option, double max)
    {
        if (value < 0 || value > max || double.IsNaN(value))
        {
            throw new FerException($"{option} {value.ToString(CultureInfo.InvariantCulture)} is out of range: give a value from 0 to {max.ToString(CultureInfo.InvariantCulture)}.");
        }

        return value;
    }
}
