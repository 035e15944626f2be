namespace Fer.Training.Data;

/// <summary>One image file and its class index (canonical label order).</summary>
public sealed record LabelledImage(string Path, int Label);
