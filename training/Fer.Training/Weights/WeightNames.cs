namespace Fer.Training.Weights;

/// <summary>Maps parameter names between the student report's checkpoint layout and ours.</summary>
public static class WeightNames
{
    private const string ReportPrefix = "resnet.";
    private const string ReportLastBlock = "layer4.2.0.";
    private const string ReportCbam = "layer4.2.1.";
    private const string OurLastBlock = "layer4.2.";
    private const string OurCbam = "cbam.";

    /// <summary>
    /// The report's code wrapped torchvision's model as <c>resnet</c> and replaced layer4's last bottleneck with
    /// Sequential(bottleneck, CBAM); our model keeps torchvision's names and calls the CBAM <c>cbam</c>.
    /// </summary>
    public static string FromReport(string reportKey)
    {
        ArgumentNullException.ThrowIfNull(reportKey);
        var key = reportKey.StartsWith(ReportPrefix, StringComparison.Ordinal) ? reportKey[ReportPrefix.Length..] : reportKey;
        if (key.StartsWith(ReportLastBlock, StringComparison.Ordinal))
        {
            return OurLastBlock + key[ReportLastBlock.Length..];
        }

        return key.StartsWith(ReportCbam, StringComparison.Ordinal) ? OurCbam + key[ReportCbam.Length..] : key;
    }

    public static string ToSeed(string ourKey)
    {
        ArgumentNullException.ThrowIfNull(ourKey);
        if (ourKey.StartsWith(OurCbam, StringComparison.Ordinal))
        {
            return ReportPrefix + ReportCbam + ourKey[OurCbam.Length..];
        }

        return ourKey.StartsWith(OurLastBlock, StringComparison.Ordinal)
            ? ReportPrefix + ReportLastBlock + ourKey[OurLastBlock.Length..]
            : ReportPrefix + ourKey;
    }

    public static bool IsHead(string key) => key.StartsWith("fc.", StringComparison.Ordinal);

    public static bool IsCbam(string key) => key.StartsWith(OurCbam, StringComparison.Ordinal) || key.Contains(".cbam.", StringComparison.Ordinal);

    /// <summary>BatchNorm's batch counter: older files lack it and it never changes a prediction.</summary>
    public static bool IsBatchCounter(string key) => key.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
}
