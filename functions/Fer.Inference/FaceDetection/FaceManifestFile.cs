using System.Text.Json;
using Fer.Inference.Models;

namespace Fer.Inference.FaceDetection;

/// <summary>Reads a face network's JSON manifest and checks it; errors name the file and every problem found.</summary>
internal static class FaceManifestFile
{
    /// <param name="kind">What the folder holds, for messages: "face detector", "face landmark".</param>
    public static T Load<T>(string path, string fileName, string kind, Func<T, IReadOnlyList<string>> validate)
        where T : class
    {
        if (!File.Exists(path))
        {
            throw new InvalidModelManifestException(path, [$"the file does not exist; a {kind} folder needs {fileName}"]);
        }

        T? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<T>(File.ReadAllText(path), ModelManifest.JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidModelManifestException(path, [$"it is not valid {kind} JSON: {e.Message}"]);
        }

        var problems = manifest is null ? ["it is empty (null)"] : validate(manifest);
        return problems.Count == 0 ? manifest! : throw new InvalidModelManifestException(path, problems);
    }
}
