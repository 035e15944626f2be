namespace Fer.Training.Model;

/// <summary>Where CBAM attention blocks sit in the network.</summary>
public enum CbamPlacement
{
    /// <summary>Plain ResNet: the baseline.</summary>
    None,

    /// <summary>One CBAM after the last block of layer4, as the seed does ("Light CBAM").</summary>
    Light,

    /// <summary>CBAM in every residual block, on the residual branch before the addition (CBAM paper).</summary>
    Full,
}

public static class CbamPlacementExtensions
{
    public static string ToOptionName(this CbamPlacement placement) => placement.ToString().ToLowerInvariant();

    public static CbamPlacement ParseOptionName(string name) => name.ToLowerInvariant() switch
    {
        "none" => CbamPlacement.None,
        "light" => CbamPlacement.Light,
        "full" => CbamPlacement.Full,
        _ => throw new ArgumentException($"Unknown CBAM placement '{name}'. Use light, none or full.", nameof(name)),
    };
}
