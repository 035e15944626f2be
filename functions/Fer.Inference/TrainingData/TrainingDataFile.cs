namespace Fer.Inference.TrainingData;

/// <param name="Path">Relative to the data set's root, '/'-separated.</param>
/// <param name="Label">The canonical emotion label of its class folder, or null for files outside a class folder.</param>
public sealed record TrainingDataFile(string Path, string? Label, string Sha256, long Bytes);
