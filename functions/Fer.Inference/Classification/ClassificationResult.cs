namespace Fer.Inference.Classification;

/// <summary>The status values of the results table.</summary>
public static class ClassificationStatus
{
    public const string Classified = "classified";

    /// <summary>The input can never be classified (not an image, too large, corrupt): recorded once, not retried.</summary>
    public const string Rejected = "rejected";

    /// <summary>Our fault or a transient fault: retried.</summary>
    public const string Failed = "failed";
}

/// <summary>What classifying one image gave.</summary>
public sealed record ClassificationResult
{
    public required string Status { get; init; }

    public string? Emotion { get; init; }

    public double Confidence { get; init; }

    /// <summary>Label -> softmax probability, in the model's label order.</summary>
    public IReadOnlyDictionary<string, double> Scores { get; init; } = new Dictionary<string, double>();

    public int? Width { get; init; }

    public int? Height { get; init; }

    public string? ModelVersion { get; init; }

    public string? ErrorCode { get; init; }

    public string? Error { get; init; }

    public static ClassificationResult Rejected(string code, string message, string? modelVersion) =>
        new() { Status = ClassificationStatus.Rejected, ErrorCode = code, Error = message, ModelVersion = modelVersion };
}
