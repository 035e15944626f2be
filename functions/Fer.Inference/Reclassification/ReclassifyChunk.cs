namespace Fer.Inference.Reclassification;

/// <summary>One queue message: some blobs of one run of a batch.</summary>
public sealed record ReclassifyChunk(string Batch, string RunId, IReadOnlyList<string> Blobs)
{
    /// <summary>Blobs per message: about a minute of work for photos, well inside the function timeout.</summary>
    public const int MaxBlobs = 50;

    /// <summary>Bytes of names per message: a queue message holds 64 KiB, and base64 adds a third.</summary>
    public const int MaxNameBytes = 40_000;

    /// <summary>Cuts a run's blobs into messages of at most <see cref="MaxBlobs"/> names and <see cref="MaxNameBytes"/> bytes.</summary>
    public static IReadOnlyList<ReclassifyChunk> Split(string batch, string runId, IEnumerable<string> blobs)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var chunks = new List<ReclassifyChunk>();
        var current = new List<string>();
        var bytes = 0;
        foreach (var blob in blobs)
        {
            var size = System.Text.Encoding.UTF8.GetByteCount(blob) + 8; // quotes, comma, escapes
            if (current.Count == MaxBlobs || (current.Count > 0 && bytes + size > MaxNameBytes))
            {
                chunks.Add(new ReclassifyChunk(batch, runId, current));
                (current, bytes) = ([], 0);
            }

            current.Add(blob);
            bytes += size;
        }

        if (current.Count > 0)
        {
            chunks.Add(new ReclassifyChunk(batch, runId, current));
        }

        return chunks;
    }
}
