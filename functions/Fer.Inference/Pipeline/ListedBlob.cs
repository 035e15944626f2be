namespace Fer.Inference.Pipeline;

/// <summary>A blob without up-to-date rows, with when it was last written (retention counts from then).</summary>
public sealed record ListedBlob(InspectedBlob Blob, DateTimeOffset? LastModified);
