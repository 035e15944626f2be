namespace Fer.Inference.Storage;

/// <summary>
/// Counts and mean confidence of a batch: <paramref name="Total"/> rows, of <paramref name="Images"/> blobs, of which
/// <paramref name="Faces"/> are face rows; emotions and confidence are counted over classified faces.
/// </summary>
public sealed record BatchSummary(string Batch, int Total, int Images, int Faces, IReadOnlyDictionary<string, int> ByStatus, IReadOnlyDictionary<string, int> ByEmotion, double? MeanConfidence);
