using System.Text.RegularExpressions;

namespace Fer.Inference.Models;

/// <summary>
/// The names a model version and its ONNX file may have. Both come from blobs anyone with write access to the models
/// container controls, and both become local paths (the cache folder, a recursive delete): one plain folder or file
/// name, never a separator, a rooted path or "..".
/// </summary>
public static partial class ModelStoreName
{
    public const string Rule = "1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit, without '..'";

    public static bool IsValid(string? name) =>
        name is not null && SafeName().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SafeName();
}
