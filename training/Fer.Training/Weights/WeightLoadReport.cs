using System.Text;
using Fer.Inference;

namespace Fer.Training.Weights;

/// <summary>What happened when a weights file was matched against the model, key by key.</summary>
public sealed record WeightLoadReport
{
    public required string Path { get; init; }

    public required WeightFormat Format { get; init; }

    /// <summary>Model keys that received a value.</summary>
    public required IReadOnlyList<string> Loaded { get; init; }

    /// <summary>Model keys the file does not have.</summary>
    public required IReadOnlyList<string> Missing { get; init; }

    /// <summary>Model keys that stay newly initialised by design (the torchvision head, CBAM on ImageNet weights).</summary>
    public required IReadOnlyList<string> KeptNew { get; init; }

    /// <summary>File keys the model does not have.</summary>
    public required IReadOnlyList<string> Unexpected { get; init; }

    /// <summary>File keys deliberately not loaded (the ImageNet head).</summary>
    public required IReadOnlyList<string> Skipped { get; init; }

    public required IReadOnlyList<ShapeMismatch> Mismatched { get; init; }

    public bool Fits => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    public override string ToString()
    {
        var text = new StringBuilder()
            .AppendLine($"Weights '{Path}' ({Format.ToString().ToLowerInvariant()}): {Loaded.Count} loaded, {KeptNew.Count} kept new, " +
                        $"{Skipped.Count} skipped, {Missing.Count} missing, {Unexpected.Count} unexpected, {Mismatched.Count} mismatched.");
        Append(text, "kept new", KeptNew);
        Append(text, "skipped", Skipped);
        Append(text, "missing", Missing);
        Append(text, "unexpected", Unexpected);
        Append(text, "mismatched", Mismatched.Select(m => m.ToString()).ToList());
        return text.ToString();
    }

    private static void Append(StringBuilder text, string title, IReadOnlyList<string> keys)
    {
        const int Shown = 8;
        if (keys.Count == 0)
        {
            return;
        }

        text.AppendLine($"  {title}: {string.Join(", ", keys.Take(Shown))}{(keys.Count > Shown ? $", ... ({keys.Count - Shown} more)" : string.Empty)}");
    }
}

public sealed record ShapeMismatch(string Key, IReadOnlyList<long> FileShape, IReadOnlyList<long> ModelShape)
{
    public override string ToString() => $"{Key} file [{string.Join(", ", FileShape)}] vs model [{string.Join(", ", ModelShape)}]";
}

/// <summary>The weights file does not fit the model; the report says key by key why.</summary>
public sealed class WeightsMismatchException : FerException
{
    public WeightsMismatchException(WeightLoadReport report, string advice)
        : base($"The weights do not fit this model. {advice}{Environment.NewLine}{report}")
    {
        Report = report;
    }

    public WeightsMismatchException()
    {
    }

    public WeightsMismatchException(string message)
        : base(message)
    {
    }

    public WeightsMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WeightLoadReport? Report { get; }
}
