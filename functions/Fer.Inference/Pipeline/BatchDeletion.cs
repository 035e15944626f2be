namespace Fer.Inference.Pipeline;

/// <summary>What deleting a batch removed.</summary>
public sealed record BatchDeletion(string Batch, int BlobsDeleted, int RowsDeleted);
