using Fer.Inference;

namespace Fer.Training.Export;

/// <summary>How closely ONNX Runtime reproduces TorchSharp's eval-mode forward pass.</summary>
public sealed record ParityReport
{
    public const string FileName = "parity.json";
    public const double DefaultTolerance = 1e-4;

    public required double MaxAbsDiff { get; init; }

    /// <summary>Fraction of images on which both runtimes pick the same class.</summary>
    public required double ArgmaxAgreement { get; init; }

    public required double Tolerance { get; init; }

    public required IReadOnlyList<ParityBatch> Batches { get; init; }

    public required long Seed { get; init; }

    public bool Passed => MaxAbsDiff <= Tolerance && ArgmaxAgreement >= 1.0;

    public void Write(string directory) =>
        File.WriteAllText(Path.Combine(directory, FileName), FerJson.Write(this));
}

public sealed record ParityBatch(int Batch, double MaxAbsDiff, double ArgmaxAgreement);
