namespace Fer.Inference.Preprocessing;

/// <summary>Checked before decoding, so that a hostile file cannot exhaust memory (decompression bombs).</summary>
public sealed record ImageLimits
{
    /// <summary>Largest encoded file accepted (default 20 MB).</summary>
    public long MaxEncodedBytes { get; init; } = 20L * 1024 * 1024;

    /// <summary>Largest width x height accepted, read from the header (default 40 megapixels).</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>What decodes in flight may take together; default: the process's shared budget.</summary>
    public DecodeBudget Budget { get; init; } = DecodeBudget.Shared;

    public static ImageLimits Default { get; } = new();
}
