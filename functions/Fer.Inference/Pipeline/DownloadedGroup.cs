using Fer.Inference.Storage;

namespace Fer.Inference.Pipeline;

/// <summary>
/// One model batch on its way through the pipeline: the rows decided without the model (already up to
/// date, too large) and the downloaded images the model still has to see.
/// </summary>
internal sealed class DownloadedGroup(IReadOnlyList<InspectedBlob?> blobs)
{
    public IReadOnlyList<InspectedBlob?> Blobs { get; } = blobs;

    /// <summary>A row per blob, in order; null for a blob that is gone or still waits for the model.</summary>
    public EmotionRow?[] Rows { get; } = new EmotionRow?[blobs.Count];

    /// <summary>Indexes of the blobs that go to the model, and their contents in the same order.</summary>
    public List<(int Index, BinaryData Content)> Pending { get; } = [];

    /// <summary>Rows that are new or changed and have to be written.</summary>
    public List<EmotionRow> NewRows { get; } = [];
}
