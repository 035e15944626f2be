namespace Fer.Inference.Storage;

/// <summary>fer/current.json: which published version serving uses; <c>{"version": ...}</c> in every spelling, so it carries no schema.</summary>
public sealed record ModelPointer(string Version);
