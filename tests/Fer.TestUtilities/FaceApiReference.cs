using System.Text.Json;

namespace Fer.Testing;

/// <summary>
/// face-api's files for the detector tests: its TF.js weights (installed by npm into tools/face-reference) and the
/// outputs of the original running in Node (tools/face-reference/expected), found from the repository root.
/// Shared by the training tests (which export the detector) and the serving tests (which run the committed one).
/// </summary>
public static class FaceApiReference
{
    public static string RepositoryRoot => TestRepository.Root;

    public static string ExpectedDirectory => Path.Combine(RepositoryRoot, "tools", "face-reference", "expected");

    /// <summary>face-api's model folder; a missing npm install fails the test with what to run.</summary>
    public static string WeightsDirectory
    {
        get
        {
            var directory = Path.Combine(RepositoryRoot, "tools", "face-reference", "node_modules", "@vladmandic", "face-api", "model");
            return File.Exists(Path.Combine(directory, "ssd_mobilenetv1_model-weights_manifest.json"))
                ? directory
                : throw new InvalidOperationException($"face-api's weights are not installed in '{directory}': run `npm ci --prefix tools/face-reference` in the repository root.");
        }
    }

    /// <summary>The SSD faces face-api found in expected/<paramref name="name"/>.input.png.</summary>
    public static IReadOnlyList<ExpectedFace> SsdFaces(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ExpectedDirectory, name + ".json")));
        return [.. document.RootElement.GetProperty("detectors").GetProperty("ssdMobilenetv1").GetProperty("faces").EnumerateArray().Select(face =>
        {
            var box = face.GetProperty("box");
            return new ExpectedFace(box.GetProperty("x").GetDouble(), box.GetProperty("y").GetDouble(), box.GetProperty("width").GetDouble(), box.GetProperty("height").GetDouble(), face.GetProperty("score").GetDouble());
        })];
    }

    /// <summary>The 68 landmarks face-api found for each SSD face of expected/<paramref name="name"/>.input.png, in the order of <see cref="SsdFaces"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<(double X, double Y)>> SsdLandmarks(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ExpectedDirectory, name + ".json")));
        return [.. document.RootElement.GetProperty("detectors").GetProperty("ssdMobilenetv1").GetProperty("faces").EnumerateArray().Select(face =>
            (IReadOnlyList<(double X, double Y)>)[.. face.GetProperty("landmarks").EnumerateArray().Select(point => (point[0].GetDouble(), point[1].GetDouble()))])];
    }
}

public sealed record ExpectedFace(double X, double Y, double Width, double Height, double Score);
