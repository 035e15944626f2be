using System.Security.Cryptography;

namespace Fer.Training.Data;

/// <summary>
/// MD5 de-duplication within the training split, and the held-out images that are byte-identical
/// to a training image (leakage): both counted in the report.
/// </summary>
public sealed record DuplicateReport
{
    public required int TrainDuplicatesRemoved { get; init; }

    public required IReadOnlyDictionary<string, int> LeakedIntoSplit { get; init; }

    /// <summary>MD5 identifies byte-identical files (as the seed's de-duplication did); it is not used for security.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "Content identity, not security.")]
    public static string Md5Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }

    /// <summary>Keeps the first of each set of byte-identical training images.</summary>
    public static IReadOnlyList<LabelledImage> Deduplicate(IReadOnlyList<LabelledImage> train, IDictionary<string, string> md5ByPath, out int removed)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(md5ByPath);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<LabelledImage>(train.Count);
        foreach (var image in train)
        {
            if (seen.Add(md5ByPath[image.Path]))
            {
                kept.Add(image);
            }
        }

        removed = train.Count - kept.Count;
        return kept;
    }

    /// <summary>How many of <paramref name="heldOut"/> are byte-identical to some training image.</summary>
    public static int CountLeaked(IReadOnlyList<LabelledImage> train, IReadOnlyList<LabelledImage> heldOut, IDictionary<string, string> md5ByPath)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(md5ByPath);
        var trainHashes = train.Select(i => md5ByPath[i.Path]).ToHashSet(StringComparer.Ordinal);
        return heldOut.Count(i => trainHashes.Contains(md5ByPath[i.Path]));
    }
}
