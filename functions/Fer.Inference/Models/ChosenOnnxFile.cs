namespace Fer.Inference.Models;

/// <summary>The ONNX file serving runs: the manifest's own <c>onnx.file</c> or one of its variants, with what verifies it.</summary>
public sealed record ChosenOnnxFile(string Precision, string File, string Sha256, long Bytes);
