using Azure;
using Azure.Data.Tables;

namespace Fer.Inference.Storage;

/// <summary>One row of the results table (docs/design.md, "Uploads and results").</summary>
public sealed class EmotionRow : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string BlobName { get; set; } = string.Empty;

    public string Status { get; set; } = string.Empty;

    public string? Emotion { get; set; }

    public double? Confidence { get; set; }

    /// <summary>True when the confidence is below the model's calibrated threshold (see ClassificationResult.Uncertain).</summary>
    public bool? Uncertain { get; set; }

    /// <summary>True when the detector stopped at its cap: the photo may hold more faces than it has rows.</summary>
    public bool? FacesTruncated { get; set; }

    public double? Surprise { get; set; }

    public double? Fear { get; set; }

    public double? Disgust { get; set; }

    public double? Happiness { get; set; }

    public double? Sadness { get; set; }

    public double? Anger { get; set; }

    public double? Neutral { get; set; }

    public string? ModelVersion { get; set; }

    public int? Width { get; set; }

    public int? Height { get; set; }

    public string? BlobETag { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }

    public double DurationMs { get; set; }

    /// <summary>The face this row is about (0 = the detector's most confident); null for a row about the whole file.</summary>
    public int? FaceIndex { get; set; }

    /// <summary>The image's number of faces: 0 for a no-face row, null when the file could not be looked at.</summary>
    public int? FaceCount { get; set; }

    public int? BoxX { get; set; }

    public int? BoxY { get; set; }

    public int? BoxWidth { get; set; }

    public int? BoxHeight { get; set; }

    public double? DetectionScore { get; set; }

    /// <summary><c>detected</c>, or <c>whole-image</c> when the whole image was classified as one face.</summary>
    public string? FaceSource { get; set; }

    /// <summary>The eye line's angle in degrees that the face was turned by; empty when it was not aligned.</summary>
    public double? AlignedDegrees { get; set; }

    public string? ErrorCode { get; set; }

    public string? Error { get; set; }

    /// <summary>The probability of a label by its canonical name.</summary>
    public double? Score(string label) => label switch
    {
        "Surprise" => Surprise,
        "Fear" => Fear,
        "Disgust" => Disgust,
        "Happiness" => Happiness,
        "Sadness" => Sadness,
        "Anger" => Anger,
        "Neutral" => Neutral,
        _ => null,
    };

    public void SetScores(IReadOnlyDictionary<string, double> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        Surprise = scores.GetValueOrDefault("Surprise");
        Fear = scores.GetValueOrDefault("Fear");
        Disgust = scores.GetValueOrDefault("Disgust");
        Happiness = scores.GetValueOrDefault("Happiness");
        Sadness = scores.GetValueOrDefault("Sadness");
        Anger = scores.GetValueOrDefault("Anger");
        Neutral = scores.GetValueOrDefault("Neutral");
    }
}
