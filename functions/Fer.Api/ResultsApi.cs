using System.Net;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;

namespace Fer.Api;

/// <summary>
/// The results, summary, health and reclassify routes, kept apart from any host's types so that the function app
/// and <c>fer serve</c> share them and tests call them directly: query parameters are validated against the known
/// labels and statuses before they reach a filter.
/// </summary>
public sealed class ResultsApi(ResultsStore results, ModelProvider models, BatchProcessor processor)
{
    public const int MaxPageSize = 1000;

    private static readonly string[] Statuses = [ClassificationStatus.Classified, ClassificationStatus.Rejected, ClassificationStatus.Failed];

    public async Task<ApiResponse> ResultsAsync(string batch, string? emotion, string? status, string? pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        if (emotion is not null && !EmotionLabels.Canonical.Contains(emotion, StringComparer.Ordinal))
        {
            return BadRequest("emotion-unknown", $"emotion '{emotion}' is not one of {string.Join(", ", EmotionLabels.Canonical)}.");
        }

        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            return BadRequest("status-unknown", $"status '{status}' is not one of {string.Join(", ", Statuses)}.");
        }

        var size = 100;
        if (pageSize is not null && (!int.TryParse(pageSize, out size) || size is < 1 or > MaxPageSize))
        {
            return BadRequest("page-size-invalid", $"pageSize must be a whole number from 1 to {MaxPageSize}.");
        }

        string? tableToken = null;
        if (continuationToken is not null && (tableToken = ContinuationToken.Unwrap(continuationToken, batch, emotion, status)) is null)
        {
            return BadRequest("continuation-token-invalid", "continuationToken is not one this route returned for this batch and these filters; start again without it.");
        }

        var page = await results.QueryAsync(batch, emotion, status, size, tableToken, cancellationToken).ConfigureAwait(false);
        var next = page.ContinuationToken is { } token ? ContinuationToken.Wrap(token, batch, emotion, status) : null;
        return new ApiResponse(HttpStatusCode.OK, new ResultsPageItem(batch, [.. page.Rows.Select(ResultItem.From)], next));
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
            return ApiResponse.Error(HttpStatusCode.ServiceUnavailable, ApiErrorCodes.ModelUnavailable, e.Message);
        }
    }

    private static ApiResponse BadRequest(string code, string message) => ApiResponse.Error(HttpStatusCode.BadRequest, code, message);
}

/// <summary>A page of a batch's rows and the token for the next page (null on the last).</summary>
public sealed record ResultsPageItem(string Batch, IReadOnlyList<ResultItem> Items, string? ContinuationToken);
