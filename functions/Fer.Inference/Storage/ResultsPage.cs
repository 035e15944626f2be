namespace Fer.Inference.Storage;

/// <summary>A page of results and the token for the next one.</summary>
public sealed record ResultsPage(IReadOnlyList<EmotionRow> Rows, string? ContinuationToken);
