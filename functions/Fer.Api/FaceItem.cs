using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Storage;

namespace Fer.Api;

/// <summary>
/// One face of an image (or the one item about an image without a face), as every output reports it: the classify
/// route, the results route (<see cref="ResultItem"/>) and <c>fer classify --format json</c> (docs/design.md, "Function app").
/// </summary>
public record FaceItem
{
    public int? Face { get; init; }

    public int? FaceCount { get; init; }

    public BoxItem? Box { get; init; }

    public double? DetectionScore { get; init; }

    public string? FaceSource { get; init; }

    public double? AlignedDegrees { get; init; }

    public required string Status { get; init; }

    public string? Emotion { get; init; }

    public double? Confidence { get; init; }

    /// <summary>True when the confidence is below the model's calibrated threshold: the label is a guess to doubt.</summary>
    public bool? Uncertain { get; init; }

    /// <summary>True when the detector stopped at its cap (100 faces): the photo may hold more faces than were classified.</summary>
    public bool? FacesTruncated { get; init; }

    /// <summary>Label -> probability, for classified faces only.</summary>
    public IReadOnlyDictionary<string, double>? Scores { get; init; }

    public int? Width { get; init; }

    public int? Height { get; init; }

    public string? ModelVersion { get; init; }

    public string? ErrorCode { get; init; }

    public string? Error { get; init; }

    public static FaceItem From(ClassificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var classified = result.Status == ClassificationStatus.Classified;
        return new FaceItem
        {
            Face = result.FaceIndex,
            FaceCount = result.FaceCount,
            Box = result.Box is { } box ? new BoxItem(box.X, box.Y, box.Width, box.Height) : null,
            DetectionScore = result.DetectionScore,
            FaceSource = result.FaceSource,
            AlignedDegrees = result.AlignedDegrees,
            Status = result.Status,
            Emotion = result.Emotion,
            Confidence = classified ? result.Confidence : null,
            Uncertain = classified ? result.Uncertain : null,
            FacesTruncated = result.FacesTruncated,
            Scores = classified ? result.Scores : null,
            Width = result.Width,
            Height = result.Height,
            ModelVersion = result.ModelVersion,
            ErrorCode = result.ErrorCode,
            Error = ErrorOf(result.Status, result.ErrorCode, result.Error),
        };
    }

    /// <summary>A row's face fields; the row's own columns are added by <see cref="ResultItem"/>.</summary>
    protected static FaceItem FromRow(EmotionRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var classified = row.Status == ClassificationStatus.Classified;
        return new FaceItem
        {
            Face = row.FaceIndex,
            FaceCount = row.FaceCount,
            Box = row.BoxX is { } x ? new BoxItem(x, row.BoxY ?? 0, row.BoxWidth ?? 0, row.BoxHeight ?? 0) : null,
            DetectionScore = row.DetectionScore,
            FaceSource = row.FaceSource,
            AlignedDegrees = row.AlignedDegrees,
            Status = row.Status,
            Emotion = row.Emotion,
            Confidence = row.Confidence,
            Uncertain = classified ? row.Uncertain : null,
            FacesTruncated = row.FacesTruncated,
            Scores = classified ? EmotionLabels.Canonical.ToDictionary(l => l, l => row.Score(l) ?? 0) : null,
            Width = row.Width,
            Height = row.Height,
            ModelVersion = row.ModelVersion,
            ErrorCode = row.ErrorCode,
            Error = ErrorOf(row.Status, row.ErrorCode, row.Error),
        };
    }

    /// <summary>
    /// A failed item says its code's fixed sentence, never the text it was made with: that may be an exception's
    /// message (the serving process logged it), and rows written before rows held only the sentence still have one.
    /// </summary>
    private static string? ErrorOf(string status, string? code, string? error) =>
        status == ClassificationStatus.Failed ? Fer.Inference.Pipeline.FailureMessages.For(code) : error;
}

/// <summary>A face's box in the original image's pixels.</summary>
public sealed record BoxItem(int X, int Y, int Width, int Height);

/// <summary>A results-table row: the face fields plus where and when it was processed.</summary>
public sealed record ResultItem : FaceItem
{
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    private ResultItem(FaceItem face)
        : base(face)
    {
    }

    public string BlobName { get; init; } = string.Empty;

    public DateTimeOffset ProcessedAt { get; init; }

    public double DurationMs { get; init; }

    public static ResultItem From(EmotionRow row) => new(FromRow(row))
    {
        BlobName = row.BlobName,
        ProcessedAt = row.ProcessedAt,
        DurationMs = row.DurationMs,
    };
}
