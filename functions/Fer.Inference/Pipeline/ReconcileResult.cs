namespace Fer.Inference.Pipeline;

/// <summary>What one reconciler run did: blobs classified (at most the setting), rows deleted because their blob is gone or they outlived retention.</summary>
public sealed record ReconcileResult(int Batches, int Stale, int Processed, int OrphanRowsDeleted, int ExpiredRowsDeleted, BatchRunResult Run);
