using Fer.Inference.Storage;

namespace Fer.Inference.Pipeline;

/// <summary>A blob and the rows written for it.</summary>
internal sealed record AnsweredBlob(InspectedBlob Blob, IReadOnlyList<EmotionRow> Rows);
