namespace Fer.Inference.FaceDetection;

/// <summary>Where the weights come from and under which licence (the licence text is a file of the folder).</summary>
public sealed record WeightsOrigin
{
    public required string Package { get; init; }

    public required string Version { get; init; }

    public required string Licence { get; init; }

    public string? LicenceFile { get; init; }

    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>SHA-256 of the weights manifest and of each shard, in <see cref="Files"/> order.</summary>
    public required IReadOnlyList<string> Sha256 { get; init; }
}
