namespace Fer.Inference.Models;

public sealed record OnnxFile
{
    public string File { get; init; } = "model.onnx";

    public required string Sha256 { get; init; }

    public long Bytes { get; init; }

    public int Opset { get; init; } = 17;

    /// <summary>The precision of <see cref="File"/>: "fp32", or absent (manifests written before variants existed), which means fp32.</summary>
    public string? Precision { get; init; }

    /// <summary>The same model in other precisions (an int8 quantisation), each its own file; absent or empty: only <see cref="File"/>.</summary>
    public IReadOnlyList<OnnxVariant>? Variants { get; init; }

    /// <summary>
    /// The file to serve for <paramref name="precision"/> (<see cref="ModelPrecision"/>): "int8" takes the int8 variant
    /// when one is listed and <see cref="File"/> otherwise; "fp32" takes the fp32 file.
    /// </summary>
    public ChosenOnnxFile Choose(string precision)
    {
        var own = new ChosenOnnxFile(Precision ?? ModelPrecision.Fp32, File, Sha256, Bytes);
        var requested = ModelPrecision.Parse(precision, "The model precision");
        var variant = (Variants ?? []).FirstOrDefault(v => v.Precision == requested && requested != own.Precision);
        return variant is null ? own : new ChosenOnnxFile(variant.Precision, variant.File, variant.Sha256, variant.Bytes);
    }

    /// <summary>What is wrong with the file entries (names become local paths; hashes verify what is served).</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(File))
        {
            yield return "onnx.file is missing";
        }
        else if (!ModelStoreName.IsValid(File))
        {
            yield return $"onnx.file '{File}' is not a file name in the version folder ({ModelStoreName.Rule})";
        }
        else if (Sha256 is null || Sha256.Length != 64)
        {
            yield return "onnx.sha256 must be the 64 hex digits of the model file's SHA-256";
        }

        if (Precision is not null && Precision != ModelPrecision.Fp32)
        {
            yield return $"onnx.precision '{Precision}' must be '{ModelPrecision.Fp32}' (or absent): the main file is the float model, other precisions are variants";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal) { ModelPrecision.Fp32 };
        foreach (var (variant, i) in (Variants ?? []).Select((v, i) => (v, i)))
        {
            var where = $"onnx.variants[{i}]";
            if (variant is null)
            {
                yield return $"{where} is empty";
                continue;
            }

            if (!ModelPrecision.IsKnown(variant.Precision) || !seen.Add(variant.Precision))
            {
                yield return $"{where}.precision '{variant.Precision}' must be one of {string.Join(", ", ModelPrecision.All)} and given once (the main file is fp32)";
            }

            if (!ModelStoreName.IsValid(variant.File) || variant.File == File)
            {
                yield return $"{where}.file '{variant.File}' must be a file name in the version folder ({ModelStoreName.Rule}) other than onnx.file";
            }

            if (variant.Sha256 is null || variant.Sha256.Length != 64)
            {
                yield return $"{where}.sha256 must be the 64 hex digits of the file's SHA-256";
            }
        }
    }
}
