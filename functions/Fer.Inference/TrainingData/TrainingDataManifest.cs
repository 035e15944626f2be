using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fer.Inference.TrainingData;

/// <summary>
/// <c>training/&lt;name&gt;/manifest.json</c>: every file of an uploaded data set with its path (relative to the
/// data set's root, '/'-separated), its label (the class folder; null for files outside one, such as a CSV)
/// and its SHA-256. Written last by an upload, so a data set is complete once its manifest exists.
/// </summary>
public sealed record TrainingDataManifest
{
    public const string FileName = "manifest.json";

    /// <summary>Always the schema this Fer writes; manifests of earlier versions have none and are snake_case.</summary>
    public int Schema { get; } = FerJson.Schema;

    public required string Name { get; init; }

    public required IReadOnlyList<TrainingDataFile> Files { get; init; }

    [JsonIgnore]
    public long TotalBytes => Files.Sum(f => f.Bytes);

    public string ToJson() => FerJson.Write(this);

    public static TrainingDataManifest Parse(string json, string source)
    {
        TrainingDataManifest? manifest;
        try
        {
            manifest = FerJson.Read<TrainingDataManifest>(json, source);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{source}' is not a training data manifest: {e.Message}", e);
        }

        if (manifest?.Files is null)
        {
            throw new InvalidDataException($"'{source}' is not a training data manifest: it lists no files.");
        }

        foreach (var file in manifest.Files)
        {
            if (!TrainingDataPath.IsSafe(file.Path) || file.Sha256 is not { Length: 64 })
            {
                throw new InvalidDataException($"'{source}' lists '{file.Path}' with sha256 '{file.Sha256}': paths must be relative without '..', hashes 64 hex digits.");
            }
        }

        return manifest;
    }
}
