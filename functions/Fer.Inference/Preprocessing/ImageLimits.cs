namespace Fer.Inference.Preprocessing;

/// <summary>Checked before decoding, so that a hostile file cannot exhaust memory (decompression bombs).</summary>
public sealed record ImageLimits
{
    /// <summary>Largest encoded file accepted (default 20 MB).</summary>
    public long MaxEncodedBytes { get; init; } = 20L * 1024 * 1024;

    /// <summary>Largest width x height accepted, read from the header (default 40 megapixels).</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    public static ImageLimits Default { get; } = new();
}
