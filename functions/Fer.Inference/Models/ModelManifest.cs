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
