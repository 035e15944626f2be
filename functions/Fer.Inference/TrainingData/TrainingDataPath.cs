namespace Fer.Inference.TrainingData;

/// <summary>Data set names and the relative paths a manifest may list: both become local paths on download.</summary>
public static class TrainingDataPath
{
    public const string NameRule = "1-63 characters: letters, digits, '-', '_' or '.', not starting with '.'";

    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 63 } && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static bool IsSafe(string? relative) =>
        !string.IsNullOrEmpty(relative)
        && !relative.StartsWith('/')
        && !relative.Contains('\\', StringComparison.Ordinal)
        && !relative.Contains(':', StringComparison.Ordinal)
        && relative.Split('/').All(part => part.Length > 0 && part is not "." and not "..");
}
