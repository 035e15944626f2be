namespace Fer.Training.Weights;

/// <summary>Maps parameter names between the seed's checkpoint layout and ours.</summary>
public static class WeightNames
{
    private const string SeedPrefix = "resnet.";
    private const string SeedLastBlock = "layer4.2.0.";
    private const string SeedCbam = "layer4.2.1.";
    private const string OurLastBlock = "layer4.2.";
    private const string OurCbam = "cbam.";

    /// <summary>
    /// The seed wrapped torchvision's model as <c>resnet</c> and replaced layer4's last bottleneck with
    /// Sequential(bottleneck, CBAM); our model keeps torchvision's names and calls the CBAM <c>cbam</c>.
    /// </summary>
    public static string FromSeed(string seedKey)
    {
        ArgumentNullException.ThrowIfNull(seedKey);
        var key = seedKey.StartsWith(SeedPrefix, StringComparison.Ordinal) ? seedKey[SeedPrefix.Length..] : seedKey;
        if (key.StartsWith(SeedLastBlock, StringComparison.Ordinal))
        {
            return OurLastBlock + key[SeedLastBlock.Length..];
        }

        return key.StartsWith(SeedCbam, StringComparison.Ordinal) ? OurCbam + key[SeedCbam.Length..] : key;
    }

    public static string ToSeed(string ourKey)
    {
        ArgumentNullException.ThrowIfNull(ourKey);
        if (ourKey.StartsWith(OurCbam, StringComparison.Ordinal))
        {
            return SeedPrefix + SeedCbam + ourKey[OurCbam.Length..];
        }

        return ourKey.StartsWith(OurLastBlock, StringComparison.Ordinal)
            ? SeedPrefix + SeedLastBlock + ourKey[OurLastBlock.Length..]
            : SeedPrefix + ourKey;
    }

    public static bool IsHead(string key) => key.StartsWith("fc.", StringComparison.Ordinal);

    public static bool IsCbam(string key) => key.StartsWith(OurCbam, StringComparison.Ordinal) || key.Contains(".cbam.", StringComparison.Ordinal);

    /// <summary>BatchNorm's batch counter: older files lack it and it never changes a prediction.</summary>
    public static bool IsBatchCounter(string key) => key.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
}
