namespace Fer.Inference.Storage;

/// <summary>fer/current.json: which published version serving uses.</summary>
public sealed record ModelPointer(string Version);
