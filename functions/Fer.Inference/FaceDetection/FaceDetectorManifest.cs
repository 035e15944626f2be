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

/// <summary>
/// The input contract: RGB padded with zeros at the right or bottom to a square, resized to <see cref="Size"/> with
/// TF's legacy bilinear (<see cref="Resize"/>), then <c>x / Divisor - Subtract</c>, NCHW float32.
/// </summary>
public sealed record FaceDetectorInput
{
    public const string TfLegacyBilinear = "bilinear-tf-legacy";
    public const string PadBottomRight = "zeros-bottom-right";

    public string Name { get; init; } = "input";

    public int Size { get; init; } = 512;

    public string Pad { get; init; } = PadBottomRight;

    public string Resize { get; init; } = TfLegacyBilinear;

    public float Divisor { get; init; } = 127.5f;

    public float Subtract { get; init; } = 1f;
}

/// <summary>The raw output: [N, <see cref="Anchors"/>, 7], per anchor the box encodings (ty, tx, th, tw) then the class logits.</summary>
public sealed record FaceDetectorOutput
{
    public string Name { get; init; } = "predictions";

    public int Anchors { get; init; } = 5118;

    public string Layout { get; init; } = "per anchor: box encodings ty, tx, th, tw; class logits background, face, unused";
}

/// <summary>The anchors, float32 little-endian [anchors, 4] as (ymin, xmin, ymax, xmax) in 0..1 of the square input.</summary>
public sealed record AnchorsFile
{
    public string File { get; init; } = "anchors.bin";

    public required string Sha256 { get; init; }

    public long Bytes { get; init; }
}

/// <summary>
/// How boxes are decoded and kept (face-api's values): centres move by encoding / <see cref="CenterScale"/> times the
/// anchor size, sizes scale by exp(encoding / <see cref="SizeScale"/>); the face score is the sigmoid of class 1;
/// NMS keeps scores above <see cref="ScoreThreshold"/> and drops boxes overlapping a kept one by IoU above
/// <see cref="IouThreshold"/>.
/// </summary>
public sealed record FaceDetectorDecoding
{
    public float CenterScale { get; init; } = 10f;

    public float SizeScale { get; init; } = 5f;

    public double ScoreThreshold { get; init; } = 0.5;

    public double IouThreshold { get; init; } = 0.5;

    public int MaxResults { get; init; } = 100;
}

/// <summary>Where the weights come from and under which licence (the licence text is a file of the folder).</summary>
public sealed record WeightsOrigin
{
    public required string Package { get; init; }

    public required string Version { get; init; }

    public required string Licence { get; init; }

    public string? LicenceFile { get; init; }

    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>SHA-256 of the weights manifest and of each shard, in <see cref="Files"/> order.</summary>
    public required IReadOnlyList<string> Sha256 { get; init; }
}
