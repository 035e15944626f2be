using System.Net;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;

namespace Fer.Functions;

/// <summary>An HTTP answer: status and a JSON body.</summary>
public sealed record ApiResponse(HttpStatusCode Status, object Body);

/// <summary>
/// What the HTTP functions do, kept apart from the Functions types so that it is tested directly:
/// query parameters are validated against the known labels and statuses before they reach a filter.
/// </summary>
public sealed class ResultsApi(ResultsStore results, ModelProvider models, BatchProcessor processor)
{
    private static readonly string[] Statuses = [ClassificationStatus.Classified, ClassificationStatus.Rejected, ClassificationStatus.Failed];

    public async Task<ApiResponse> ResultsAsync(string batch, string? emotion, string? status, string? pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        if (emotion is not null && !EmotionLabels.Canonical.Contains(emotion, StringComparer.Ordinal))
        {
            return BadRequest($"emotion '{emotion}' is not one of {string.Join(", ", EmotionLabels.Canonical)}.");
        }

        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            return BadRequest($"status '{status}' is not one of {string.Join(", ", Statuses)}.");
        }

        var size = 100;
        if (pageSize is not null && (!int.TryParse(pageSize, out size) || size is < 1 or > 1000))
        {
            return BadRequest("pageSize must be a whole number from 1 to 1000.");
        }

        var page = await results.QueryAsync(batch, emotion, status, size, continuationToken, cancellationToken).ConfigureAwait(false);
        return new ApiResponse(HttpStatusCode.OK, new
        {
            batch,
            items = page.Rows.Select(ToItem),
            continuationToken = page.ContinuationToken,
        });
    }

    public async Task<ApiResponse> SummaryAsync(string batch, CancellationToken cancellationToken) =>
        new(HttpStatusCode.OK, await results.SummarizeAsync(batch, cancellationToken).ConfigureAwait(false));

    public async Task<ApiResponse> HealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await models.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ModelUnavailableException)
        {
            // Reported below from the provider's health.
        }

        var health = models.Health;
        var serving = health.Version is not null;
        return new ApiResponse(serving ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, new
        {
            status = serving ? (health.LastError is null ? "healthy" : "degraded") : "no-model",
            modelVersion = health.Version,
            executionProvider = health.ExecutionProvider,
            faceFinding = health.FaceFinding,
            lastModelCheck = health.LastCheck,
            lastError = health.LastError,
        });
    }

    public async Task<ApiResponse> ReclassifyAsync(string batch, CancellationToken cancellationToken)
    {
        try
        {
            var run = await processor.ProcessAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ApiResponse(HttpStatusCode.OK, run);
        }
        catch (ModelUnavailableException e)
        {
            return new ApiResponse(HttpStatusCode.ServiceUnavailable, new { error = e.Message });
        }
    }

    private static ApiResponse BadRequest(string message) => new(HttpStatusCode.BadRequest, new { error = message });

    private static object ToItem(EmotionRow row) => new
    {
        blobName = row.BlobName,
        face = row.FaceIndex,
        faceCount = row.FaceCount,
        box = row.BoxX is null ? null : new { x = row.BoxX, y = row.BoxY, width = row.BoxWidth, height = row.BoxHeight },
        detectionScore = row.DetectionScore,
        faceSource = row.FaceSource,
        alignedDegrees = row.AlignedDegrees,
        status = row.Status,
        emotion = row.Emotion,
        confidence = row.Confidence,
        scores = row.Status == ClassificationStatus.Classified ? EmotionLabels.Canonical.ToDictionary(l => l, l => row.Score(l)) : null,
        modelVersion = row.ModelVersion,
        width = row.Width,
        height = row.Height,
        processedAt = row.ProcessedAt,
        durationMs = row.DurationMs,
        errorCode = row.ErrorCode,
        error = row.Error,
    };
}
