using System.Net;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fer.Api;

/// <summary>
/// The results, summary and health routes, shared by the function app and <c>fer serve</c> (<see cref="ApiRoutes"/>):
/// query parameters are validated against the known labels and statuses before they reach a filter.
/// </summary>
public sealed class ResultsApi(ResultsStore results, ModelProvider models)
{
    public const int MaxPageSize = 1000;

    private static readonly string[] Statuses = [ClassificationStatus.Classified, ClassificationStatus.Rejected, ClassificationStatus.Failed];

    /// <summary>
    /// A page of the batch's rows, filtered by the query's <c>emotion</c> and <c>status</c>, <c>pageSize</c> long, after
    /// the page whose token the <see cref="ContinuationHeader"/> request header carries. A <c>continuationToken</c> query
    /// parameter is refused first, whatever else the request says, so that a client that still sends it learns at once.
    /// </summary>
    public async Task<IResult> ResultsAsync(HttpRequest request, string batch)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        var (emotion, status, pageSize) = ((string?)query["emotion"], (string?)query["status"], (string?)query["pageSize"]);
        var continuationToken = (string?)request.Headers[ContinuationHeader.Name];
        if (query.ContainsKey(ContinuationHeader.RefusedQueryParameter))
        {
            return BadRequest(ApiErrorCodes.ContinuationTokenInQuery, $"send the continuation token in the {ContinuationHeader.Name} header, not as ?{ContinuationHeader.RefusedQueryParameter}=: a token in a URL would put file names into request logs.");
        }

        if (emotion is not null && !EmotionLabels.Canonical.Contains(emotion, StringComparer.Ordinal))
        {
            return BadRequest(ApiErrorCodes.EmotionUnknown, $"emotion '{emotion}' is not one of {string.Join(", ", EmotionLabels.Canonical)}.");
        }

        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            return BadRequest(ApiErrorCodes.StatusUnknown, $"status '{status}' is not one of {string.Join(", ", Statuses)}.");
        }

        var size = 100;
        if (pageSize is not null && (!int.TryParse(pageSize, out size) || size is < 1 or > MaxPageSize))
        {
            return BadRequest(ApiErrorCodes.PageSizeInvalid, $"pageSize must be a whole number from 1 to {MaxPageSize}.");
        }

        string? tableToken = null;
        if (continuationToken is not null && (tableToken = ContinuationToken.Unwrap(continuationToken, batch, emotion, status)) is null)
        {
            return BadRequest(ApiErrorCodes.ContinuationTokenInvalid, $"the {ContinuationHeader.Name} header is not a token this route returned for this batch and these filters; start again without it.");
        }

        var page = await results.QueryAsync(batch, emotion, status, size, tableToken, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var next = page.ContinuationToken is { } token ? ContinuationToken.Wrap(token, batch, emotion, status) : null;
        if (next is not null)
        {
            request.HttpContext.Response.Headers[ContinuationHeader.Name] = next;
        }

        // The body keeps the token too: clients read it there, and a body is not logged as a URL is.
        return ApiResults.Json(new ResultsPageItem(batch, [.. page.Rows.Select(ResultItem.From)], next));
    }

    public async Task<IResult> SummaryAsync(string batch, CancellationToken cancellationToken) =>
        ApiResults.Json(await results.SummarizeAsync(batch, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// The model's state as last seen, without checking the pointer or loading anything (an anonymous caller must not
    /// be able to start a download), and without exception text: a stable <c>problem</c> code; details are in the log.
    /// </summary>
    public IResult Health()
    {
        var health = models.Health;
        var serving = health.Version is not null;
        var status = serving ? (health.LastError is null ? "healthy" : "degraded") : health.LastCheck is null ? "starting" : "no-model";
        var problem = health.LastError is null ? null : serving ? "model-check-failed" : ApiErrorCodes.ModelUnavailable;
        return ApiResults.Json(new HealthItem(status, health.Version, health.ExecutionProvider, health.FaceFinding, health.LastCheck, problem),
            serving ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable);
    }

    private static JsonHttpResult<ApiError> BadRequest(string code, string message) => ApiResults.Error(HttpStatusCode.BadRequest, code, message);
}

/// <summary>The health route's answer: <paramref name="Problem"/> is a code (model-check-failed, model-unavailable), never exception text.</summary>
public sealed record HealthItem(string Status, string? ModelVersion, string? ExecutionProvider, string? FaceFinding, DateTimeOffset? LastModelCheck, string? Problem);

/// <summary>A page of a batch's rows and the token for the next page (null on the last).</summary>
public sealed record ResultsPageItem(string Batch, IReadOnlyList<ResultItem> Items, string? ContinuationToken);
