using System.Text.Json;

namespace Fer.Inference.Models;

/// <summary>
/// Reads a manifest (a model's, a face network's) in either spelling (<see cref="FerJson.Read{T}"/>) and checks it;
/// errors name the file and every problem found.
/// </summary>
internal static class ManifestFile
{
    /// <param name="kind">What the manifest describes, for messages: "model", "face detector", "face landmark".</param>
    /// <param name="whereItBelongs">Said when the file is missing: which folder needs it.</param>
    public static T Load<T>(string path, string kind, string whereItBelongs, Func<T, IReadOnlyList<string>> validate)
        where T : class
    {
        if (!File.Exists(path))
        {
            throw new InvalidModelManifestException(path, [$"the file does not exist; {whereItBelongs}"]);
        }

        T? manifest;
        try
        {
            manifest = FerJson.Read<T>(File.ReadAllText(path), path);
        }
        catch (JsonException e)
        {
            throw new InvalidModelManifestException(path, [$"it is not valid {kind} manifest JSON: {e.Message}"]);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidModelManifestException(path, [e.Message]);
        }

        var problems = manifest is null ? ["it is empty (null)"] : validate(manifest);
        return problems.Count == 0 ? manifest! : throw new InvalidModelManifestException(path, problems);
    }
}
