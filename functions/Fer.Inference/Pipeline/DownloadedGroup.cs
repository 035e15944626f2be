using Fer.Inference.Storage;

namespace Fer.Inference.Pipeline;

/// <summary>
/// One model batch on its way through the pipeline: the rows decided without the model (already up to
/// date, too large) and the downloaded images the model still has to see.
/// </summary>
internal sealed class DownloadedGroup(IReadOnlyList<InspectedBlob?> blobs)
{
    public IReadOnlyList<InspectedBlob?> Blobs { get; } = blobs;

    /// <summary>The rows of each blob, in order; null for a blob that is gone or still waits for the model.</summary>
    public IReadOnlyList<EmotionRow>?[] Rows { get; } = new IReadOnlyList<EmotionRow>?[blobs.Count];

    /// <summary>Indexes of the blobs that go to the model, and their contents in the same order.</summary>
    public List<(int Index, BinaryData Content)> Pending { get; } = [];

    /// <summary>Rows that are new or changed and have to be written.</summary>
    public List<EmotionRow> NewRows { get; } = [];

    /// <summary>Rows of these blobs that the new rows do not replace (a face no longer found): to delete after the writes.</summary>
    public List<EmotionRow> StaleRows { get; } = [];

    /// <summary>The blobs given new rows, with those rows: checked after the write (the blob may have been deleted meanwhile).</summary>
    public List<AnsweredBlob> Answered { get; } = [];

    /// <summary>Records a blob's new rows, and marks its earlier rows that they do not overwrite as stale.</summary>
    public void Answer(int index, IReadOnlyList<EmotionRow> rows)
    {
        Rows[index] = rows;
        NewRows.AddRange(rows);
        Answered.Add(new AnsweredBlob(Blobs[index]!, rows));
        var keys = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        StaleRows.AddRange(Blobs[index]!.Existing.Where(r => !keys.Contains(r.RowKey)));
    }
}
