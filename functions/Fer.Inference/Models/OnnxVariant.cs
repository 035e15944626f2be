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
