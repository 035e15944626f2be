namespace Fer.Inference.Models;

/// <summary>How a quantised variant was made, for people reading the manifest: weights, activations, calibration data.</summary>
public sealed record OnnxQuantization
{
    public string? Weights { get; init; }

    public string? Activations { get; init; }

    public string? Calibration { get; init; }
}
