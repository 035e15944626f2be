using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Storage;

namespace Fer.Cli;

/// <summary>The demo draws what the pipeline stored, not a second local run: a table row read back as the annotator's input.</summary>
internal static class DemoRows
{
    public static ClassificationResult ToResult(EmotionRow row) => new()
    {
        Status = row.Status,
        Emotion = row.Emotion,
        Confidence = row.Confidence ?? 0,
        FaceIndex = row.FaceIndex,
        FaceCount = row.FaceCount,
        Box = row.BoxX is { } x ? new FaceBox(x, row.BoxY ?? 0, row.BoxWidth ?? 0, row.BoxHeight ?? 0) : null,
        ErrorCode = row.ErrorCode,
    };
}
