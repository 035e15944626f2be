using Fer.Inference.Models;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// face-landmarks.json of a face landmark folder: the ONNX graph, how to feed it and read it (face-api's
/// <c>faceLandmark68Net</c> pre- and post-processing), and where the weights come from.
/// </summary>
public sealed record FaceLandmarksManifest
{
    public const string FileName = "face-landmarks.json";

    /// <summary>Always the schema this Fer writes: <see cref="FerJson.Read{T}"/> checks the file's own when it is read.</summary>
    public int Schema { get; } = FerJson.Schema;

    public required string Name { get; init; }

    public required FaceLandmarksInput Input { get; init; }

    public required FaceLandmarksOutput Output { get; init; }

    public required OnnxFile Onnx { get; init; }

    public required WeightsOrigin Weights { get; init; }

    public string ToJson() => FerJson.Write(this);

    /// <summary>Reads a manifest and checks what serving relies on; errors name the file and the field.</summary>
    public static FaceLandmarksManifest Load(string path) => ManifestFile.Load<FaceLandmarksManifest>(path, "face landmark", $"a face landmark folder needs {FileName}", manifest => manifest.Validate());

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Input.Size is < 8 or > 2048 || Input.Divisor <= 0 || Input.MeanRgb.Count != 3)
        {
            problems.Add($"input.size {Input.Size} must be 8..2048, input.divisor {Input.Divisor} positive and input.meanRgb three values");
        }

        if (Output.Points < 1)
        {
            problems.Add($"output.points {Output.Points} must be at least 1");
        }

        return problems;
    }
}
