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

/// <summary>
/// The input contract: the face cut from the image (its box clipped to the image, x, y, width and height floored),
/// padded with zeros to a centred square, resized to <see cref="Size"/> with TF's legacy bilinear, then
/// <c>(x - MeanRgb) / Divisor</c>, NCHW float32.
/// </summary>
public sealed record FaceLandmarksInput
{
    public const string PadCentred = "zeros-centred";

    public string Name { get; init; } = "input";

    public int Size { get; init; } = 112;

    public string Crop { get; init; } = "box clipped to the image, x, y, width, height floored";

    public string Pad { get; init; } = PadCentred;

    public string Resize { get; init; } = FaceDetectorInput.TfLegacyBilinear;

    public IReadOnlyList<float> MeanRgb { get; init; } = [122.782f, 117.001f, 104.298f];

    public float Divisor { get; init; } = 255f;
}

/// <summary>The raw output: [N, 2 * <see cref="Points"/>], x then y of each point in 0..1 of the square input.</summary>
public sealed record FaceLandmarksOutput
{
    public string Name { get; init; } = "landmarks";

    public int Points { get; init; } = 68;

    public string Layout { get; init; } = "x0, y0, x1, y1, ... in 0..1 of the padded square; iBUG 300-W point order";
}
