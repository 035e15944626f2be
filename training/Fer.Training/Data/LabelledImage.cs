namespace Fer.Training.Data;

/// <summary>
/// One image file and its class index (canonical label order). <paramref name="Votes"/>, when the data
/// set has them (FER+), are the raters' votes per canonical class; training then learns their
/// distribution, while <paramref name="Label"/> (the majority) is what metrics count.
/// </summary>
public sealed record LabelledImage(string Path, int Label, IReadOnlyList<float>? Votes = null);
