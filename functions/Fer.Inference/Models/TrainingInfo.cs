namespace Fer.Inference.Models;

public sealed record TrainingInfo
{
    public string? Dataset { get; init; }

    public string? Command { get; init; }

    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}
