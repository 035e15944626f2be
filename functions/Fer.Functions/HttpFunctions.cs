using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Fer.Functions;

/// <summary>The HTTP surface: thin wrappers over <see cref="ResultsApi"/>.</summary>
public sealed class HttpFunctions(ResultsApi api)
{
    [Function("Results")]
    public async Task<HttpResponseData> Results(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{batch}/results")] HttpRequestData request, string batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = System.Web.HttpUtility.ParseQueryString(request.Url.Query);
        return await Write(request, await api.ResultsAsync(batch, query["emotion"], query["status"], query["pageSize"], query["continuationToken"], cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
    }

    [Function("Summary")]
    public async Task<HttpResponseData> Summary(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{batch}/summary")] HttpRequestData request, string batch, CancellationToken cancellationToken) =>
        await Write(request, await api.SummaryAsync(batch, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    [Function("Reclassify")]
    public async Task<HttpResponseData> Reclassify(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "batches/{batch}/reclassify")] HttpRequestData request, string batch, CancellationToken cancellationToken) =>
        await Write(request, await api.ReclassifyAsync(batch, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    [Function("Health")]
    public async Task<HttpResponseData> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request, CancellationToken cancellationToken) =>
        await Write(request, await api.HealthAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    private static async Task<HttpResponseData> Write(HttpRequestData request, ApiResponse answer)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = request.CreateResponse();
        await response.WriteAsJsonAsync(answer.Body).ConfigureAwait(false);
        response.StatusCode = answer.Status; // WriteAsJsonAsync sets 200; restore the real status afterwards
        return response;
    }
}
