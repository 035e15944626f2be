using Fer.Inference.Models;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// face-detector.json of a face detector folder: the ONNX graph, its anchors, how to feed it and how to read
/// its output (face-api's SSD MobileNet v1 pre- and post-processing), and where the weights come from.
/// </summary>
public sealed record FaceDetectorManifest
{
    public const string FileName = "face-detector.json";

    /// <summary>Always the schema this Fer writes: <see cref="FerJson.Read{T}"/> checks the file's own when it is read.</summary>
    public int Schema { get; } = FerJson.Schema;

    public required string Name { get; init; }

    public required FaceDetectorInput Input { get; init; }

    public required FaceDetectorOutput Output { get; init; }

    public required OnnxFile Onnx { get; init; }

    public required AnchorsFile Anchors { get; init; }

    public required FaceDetectorDecoding Decoding { get; init; }

    public required WeightsOrigin Weights { get; init; }

    public string ToJson() => FerJson.Write(this);

    /// <summary>Reads a manifest and checks what serving relies on; errors name the file and the field.</summary>
    public static FaceDetectorManifest Load(string path) => ManifestFile.Load<FaceDetectorManifest>(path, "face detector", $"a face detector folder needs {FileName}", manifest => manifest.Validate());

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Input.Size is < 8 or > 2048 || Input.Divisor <= 0)
        {
            problems.Add($"input.size {Input.Size} must be 8..2048 and input.divisor {Input.Divisor} positive");
        }

        if (Output.Anchors <= 0 || Anchors.Bytes != (long)Output.Anchors * 4 * sizeof(float))
        {
            problems.Add($"anchors.bytes {Anchors.Bytes} must hold output.anchors {Output.Anchors} boxes of 4 float32");
        }

        problems.AddRange(Onnx.Validate());
        if (Decoding.ScoreThreshold is < 0 or > 1 || Decoding.IouThreshold is < 0 or > 1 || Decoding.MaxResults < 1)
        {
            problems.Add("decoding.scoreThreshold and .iouThreshold must be in 0..1 and .maxResults at least 1");
        }

        return problems;
    }
}
