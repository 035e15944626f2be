namespace Fer.Inference.Models;

/// <summary>
/// Another ONNX file of the same model in a different precision (an int8 quantisation beside the fp32 export), listed
/// in the manifest's <c>onnx.variants</c>: same input and output, its own file, SHA-256 and size, and how it was made.
/// </summary>
public sealed record OnnxVariant
{
    public required string Precision { get; init; }

    public required string File { get; init; }

    public required string Sha256 { get; init; }

    public long Bytes { get; init; }

    public OnnxQuantization? Quantization { get; init; }
}

/// <summary>How a quantised variant was made, for people reading the manifest: weights, activations, calibration data.</summary>
public sealed record OnnxQuantization
{
    public string? Weights { get; init; }

    public string? Activations { get; init; }

    public string? Calibration { get; init; }
}

/// <summary>The ONNX file serving runs: the manifest's own <c>onnx.file</c> or one of its variants, with what verifies it.</summary>
public sealed record ChosenOnnxFile(string Precision, string File, string Sha256, long Bytes);
