namespace Fer.Training.Data;

/// <summary>The images of one split as found on disk, with what was wrong on the way.</summary>
public sealed record SplitScan(string Split, IReadOnlyList<LabelledImage> Images, IReadOnlyList<string> MissingFiles);
