namespace Fer.Inference.Classification;

/// <summary>What classifying one image gave.</summary>
public sealed record ClassificationResult
{
    public required string Status { get; init; }

    public string? Emotion { get; init; }

    public double Confidence { get; init; }

    /// <summary>
    /// True when the confidence is below the model's calibrated threshold (manifest <c>output.uncertainBelow</c>): the
    /// label is the model's best guess, but doubt it. Null when not classified or the model declares no threshold.
    /// </summary>
    public bool? Uncertain { get; init; }

    /// <summary>Label -> softmax probability, in the model's label order.</summary>
    public IReadOnlyDictionary<string, double> Scores { get; init; } = new Dictionary<string, double>();

    public int? Width { get; init; }

    public int? Height { get; init; }

    public string? ModelVersion { get; init; }

    /// <summary>Which face of the image this is (0 = the detector's most confident); null for a result about the whole file.</summary>
    public int? FaceIndex { get; init; }

    /// <summary>How many faces the image has (0 for <c>no-face</c>); null when the file could not be looked at.</summary>
    public int? FaceCount { get; init; }

    /// <summary>True when the detector stopped at its cap (100 faces): the image may hold more faces than were classified.</summary>
    public bool? FacesTruncated { get; init; }

    /// <summary>The face's box in the original image's pixels (the whole image for a whole-image face).</summary>
    public FaceDetection.FaceBox? Box { get; init; }

    /// <summary>The detector's score for the face; null when no detector found it (whole-image).</summary>
    public double? DetectionScore { get; init; }

    /// <summary><c>detected</c>, or <c>whole-image</c> when the image was classified as one face crop.</summary>
    public string? FaceSource { get; init; }

    /// <summary>The eye line's angle in degrees that the face was turned by before classification; null when not aligned.</summary>
    public double? AlignedDegrees { get; init; }

    public string? ErrorCode { get; init; }

    public string? Error { get; init; }

    public static ClassificationResult Rejected(string code, string message, string? modelVersion) =>
        new() { Status = ClassificationStatus.Rejected, ErrorCode = code, Error = message, ModelVersion = modelVersion };

    public static ClassificationResult Failed(string code, string message, string? modelVersion) =>
        new() { Status = ClassificationStatus.Failed, ErrorCode = code, Error = message, ModelVersion = modelVersion };
}
