using Fer.Inference.Storage;

namespace Fer.Inference.Pipeline;

/// <summary>
/// A batch's blobs compared with its rows: how many blobs it has, those without up-to-date rows (<see cref="Stale"/>),
/// and the rows whose blob no longer exists (<see cref="Orphans"/>).
/// </summary>
public sealed record BatchScan(int Blobs, IReadOnlyList<ListedBlob> Stale, IReadOnlyList<EmotionRow> Orphans);
