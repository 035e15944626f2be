namespace Fer.Training.Model;

/// <summary>Everything needed to build the same network again.</summary>
public sealed record FerModelOptions
{
    public ResNetDepth Depth { get; init; } = ResNetDepth.ResNet50;

    public CbamPlacement Cbam { get; init; } = CbamPlacement.Light;

    public int NumClasses { get; init; } = 7;

    /// <summary>Dropout probability before the head; 0 (the seed's code) means no dropout.</summary>
    public double HeadDropout { get; init; }

    /// <summary>CBAM channel-attention reduction ratio (the seed uses 16).</summary>
    public int CbamReduction { get; init; } = 16;
}
