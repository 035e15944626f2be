namespace Fer.Api;

/// <summary>A batch is the first folder of a blob name in the faces container (docs/design.md, "Uploads and results").</summary>
public static class BatchName
{
    public const int MaxLength = 255;

    /// <summary>Why <paramref name="batch"/> cannot be a batch (a single blob-name segment), or null when it can.</summary>
    public static string? Problem(string batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch switch
        {
            "" => "the batch name is empty",
            { Length: > MaxLength } => $"the batch name has {batch.Length} characters; at most {MaxLength} are allowed",
            "." or ".." => "'.' and '..' are not batch names",
            _ when batch.IndexOfAny(['/', '\\']) >= 0 => "a batch name is one folder: it cannot contain '/' or '\\'",
            _ when batch.Any(char.IsControl) => "a batch name cannot contain control characters",
            _ when batch.EndsWith('.') || batch.Trim() != batch => "a batch name cannot end with '.' or start or end with a space",
            _ => null,
        };
    }
}
