using System.Text.Json.Serialization;

namespace Fer.Inference.Models;

/// <summary>
/// manifest.json of a model version folder: what the model is, how to feed it, and how it was
/// made. Serving follows the manifest, never constants (see docs/design.md, "Model artifact").
/// </summary>
public sealed record ModelManifest
{
    public const string FileName = "manifest.json";

    /// <summary>Always the schema this Fer writes: <see cref="FerJson.Read{T}"/> checks the file's own when it is read.</summary>
    public int Schema { get; } = FerJson.Schema;

    public required string Name { get; init; }

    public required string Version { get; init; }

    public required ModelArchitecture Architecture { get; init; }

    public required IReadOnlyList<string> Labels { get; init; }

    public required ModelInput Input { get; init; }

    public required ModelOutput Output { get; init; }

    public required OnnxFile Onnx { get; init; }

    public TrainingInfo? Training { get; init; }

    public string ToJson() => FerJson.Write(this);

    /// <summary>Reads and validates a manifest; errors say which file and what is wrong.</summary>
    public static ModelManifest Load(string path) =>
        ManifestFile.Load<ModelManifest>(path, "model", $"a model version folder needs {FileName} beside model.onnx", manifest => manifest.Validate());

    /// <summary>Everything that would make serving this manifest wrong; empty when it is usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Version))
        {
            problems.Add("version is empty");
        }
        else if (!ModelStoreName.IsValid(Version))
        {
            problems.Add($"version '{Version}' is not a safe name ({ModelStoreName.Rule})");
        }

        if (Labels is null || Labels.Count == 0)
        {
            problems.Add("labels are missing");
        }
        else if (Labels.Distinct(StringComparer.Ordinal).Count() != Labels.Count)
        {
            problems.Add($"labels repeat a name ({string.Join(", ", Labels)}): each output column needs its own label");
        }

        if (Input is null)
        {
            problems.Add("input is missing");
        }
        else
        {
            problems.AddRange(Input.Validate());
        }

        if (Output is null)
        {
            problems.Add("output.name is missing");
        }
        else
        {
            problems.AddRange(Output.Validate());
        }

        if (Onnx is null)
        {
            problems.Add("onnx.file is missing");
        }
        else
        {
            problems.AddRange(Onnx.Validate());
        }

        return problems;
    }
}

/// <param name="TestTimeAugmentation">
/// Set when the ONNX graph itself augments its input, e.g. "horizontal-flip-average": the logits of
/// the face and its mirror image, averaged (twice the compute of one pass). Serving needs to do nothing.
/// </param>
/// <param name="Ensemble">
/// Set when the ONNX graph holds several networks and returns the mean of their logits: how many (one
/// pass each). Backbone and Cbam then list the networks' distinct values joined by "+" ("resnet18+resnet34").
/// Serving needs to do nothing.
/// </param>
public sealed record ModelArchitecture(string Backbone, string Cbam, string? TestTimeAugmentation = null, int? Ensemble = null);

/// <summary>The preprocessing the model was trained with.</summary>
public sealed record ModelInput
{
    public string Name { get; init; } = "input";

    public int Size { get; init; } = 224;

    /// <summary>"rgb", or "gray" for grayscale replicated to three channels.</summary>
    public string Color { get; init; } = "rgb";

    public string Resize { get; init; } = "bilinear";

    public IReadOnlyList<float> Mean { get; init; } = [0.485f, 0.456f, 0.406f];

    public IReadOnlyList<float> Std { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// "histogram": the S x S face's grey levels (the luminance of a colour model) are histogram-equalised
    /// before scaling, so raw and already-equalised faces meet. Absent or "none": no equalisation.
    /// </summary>
    public string? Equalize { get; init; }

    [JsonIgnore]
    public bool EqualizesHistogram => Equalize == HistogramEqualization;

    /// <summary>
    /// How faces are found in what is served: "detect", "whole-image" (inputs already are face crops) or "auto"
    /// (see <see cref="FaceFinding"/>). Absent: the serving default, "detect"; folders written before it existed stay valid.
    /// </summary>
    public string? Faces { get; init; }

    /// <summary>
    /// The resolution of the training faces (FER2013: 48): a larger face is first averaged down to it, then resized to
    /// <see cref="Size"/> as the training faces were, so photos' faces reach the model as sharp as those it learnt from.
    /// Absent: resized straight to <see cref="Size"/>, as before.
    /// </summary>
    public int? NativeSize { get; init; }

    /// <summary>How a detected face is cut out (margin, shift); absent: <see cref="FaceCropGeometry.Default"/>, what serving did before.</summary>
    public FaceDetection.FaceCropGeometry? Crop { get; init; }

    [JsonIgnore]
    public FaceDetection.FaceCropGeometry CropGeometry => Crop ?? FaceDetection.FaceCropGeometry.Default;

    public const string HistogramEqualization = "histogram";

    public IEnumerable<string> Validate()
    {
        if (Size is < 8 or > 2048)
        {
            yield return $"input.size {Size} is outside 8..2048";
        }

        if (Color is not ("rgb" or "gray"))
        {
            yield return $"input.color '{Color}' is neither 'rgb' nor 'gray'";
        }

        if (Resize is not ("bilinear" or "nearest" or "bicubic"))
        {
            yield return $"input.resize '{Resize}' is not one of bilinear, nearest, bicubic";
        }

        if (Equalize is not (null or "none" or HistogramEqualization))
        {
            yield return $"input.equalize '{Equalize}' is neither 'histogram' nor 'none'";
        }

        if (Faces is not null && !FaceFinding.IsKnown(Faces))
        {
            yield return $"input.faces '{Faces}' is not one of {string.Join(", ", FaceFinding.All)}";
        }

        if (NativeSize is < 8 or > 2048)
        {
            yield return $"input.nativeSize {NativeSize} is outside 8..2048";
        }

        foreach (var problem in Crop?.Validate() ?? [])
        {
            yield return problem;
        }

        if (Mean is null || Mean.Count != 3 || Std is null || Std.Count != 3)
        {
            yield return "input.mean and input.std need three values each (R, G, B)";
        }
        else if (Std.Any(s => s <= 0))
        {
            yield return "input.std values must be positive";
        }
    }
}

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
        var candidates = (Variants ?? []).Select(v => new ChosenOnnxFile(v.Precision, v.File, v.Sha256, v.Bytes)).Prepend(own);
        return ModelPrecision.Parse(precision, "The model precision") == own.Precision
            ? own
            : candidates.FirstOrDefault(c => c.Precision == precision) ?? own;
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

public sealed record TrainingInfo
{
    public string? Dataset { get; init; }

    public string? Command { get; init; }

    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}

/// <summary>A manifest that cannot be served, with every reason found.</summary>
public sealed class InvalidModelManifestException : FerException
{
    public InvalidModelManifestException(string path, IReadOnlyList<string> problems)
        : base($"Model manifest '{path}' cannot be used: {string.Join("; ", problems)}.")
    {
        Problems = problems;
    }

    public InvalidModelManifestException()
    {
        Problems = [];
    }

    public InvalidModelManifestException(string message)
        : base(message)
    {
        Problems = [];
    }

    public InvalidModelManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    public IReadOnlyList<string> Problems { get; }
}
