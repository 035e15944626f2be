using System.Net;
using Fer.Api;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Fer.Functions;

/// <summary>The HTTP surface: thin wrappers over <see cref="ResultsApi"/>, <see cref="ClassifyApi"/>, <see cref="BlobImageApi"/>, <see cref="BatchDeletionApi"/>, <see cref="ReclassifyApi"/> and <see cref="WebPage"/>, which fer serve hosts too.</summary>
public sealed class HttpFunctions(ResultsApi api, ClassifyApi classify, BlobImageApi images, BatchDeletionApi deletion, ReclassifyApi reclassify)
{
    [Function("Results")]
    public async Task<HttpResponseData> Results(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{batch}/results")] HttpRequestData request, string batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = System.Web.HttpUtility.ParseQueryString(request.Url.Query);
        var token = request.Headers.TryGetValues(ContinuationHeader.Name, out var tokens) ? tokens.FirstOrDefault() : null;
        var tokenInQuery = query[ContinuationHeader.RefusedQueryParameter] is not null;
        return await Write(request, await api.ResultsAsync(batch, query["emotion"], query["status"], query["pageSize"], token, tokenInQuery, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
    }

    [Function("Summary")]
    public async Task<HttpResponseData> Summary(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{batch}/summary")] HttpRequestData request, string batch, CancellationToken cancellationToken) =>
        await Write(request, await api.SummaryAsync(batch, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    [Function("Reclassify")]
    public async Task<HttpResponseData> Reclassify(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ReclassifyApi.Route)] HttpRequestData request, string batch, CancellationToken cancellationToken) =>
        await Write(request, await reclassify.StartAsync(batch, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    [Function("ReclassifyStatus")]
    public async Task<HttpResponseData> ReclassifyStatus(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ReclassifyApi.StatusRoute)] HttpRequestData request, string batch, CancellationToken cancellationToken) =>
        await Write(request, await reclassify.StatusAsync(batch, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    [Function("DeleteBatch")]
    public async Task<HttpResponseData> DeleteBatch(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = BatchDeletionApi.Route)] HttpRequestData request, string batch, CancellationToken cancellationToken) =>
        await Write(request, await deletion.DeleteAsync(batch, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>Every method reaches the handler, so that a GET gets a JSON 405 rather than the host's bare 404.</summary>
    [Function("Classify")]
    public async Task<HttpResponseData> Classify(
        [HttpTrigger(AuthorizationLevel.Function, Route = "classify")] HttpRequestData request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var type = request.Headers.TryGetValues("Content-Type", out var types) ? types.FirstOrDefault() : null;
        var batches = System.Web.HttpUtility.ParseQueryString(request.Url.Query).GetValues("batch");
        var classifyRequest = new ClassifyRequest(request.Method, ContentLength(request), type, request.Body, batches?.FirstOrDefault(), BatchRepeated: batches?.Length > 1);
        return await Write(request, await classify.ClassifyAsync(classifyRequest, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Every method reaches the handler, as for classify: a GET gets a JSON 405 saying to POST the name.</summary>
    [Function("BlobImage")]
    public async Task<HttpResponseData> BlobImage(
        [HttpTrigger(AuthorizationLevel.Function, Route = BlobImageApi.Route)] HttpRequestData request, string batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await Write(request, await images.ImageAsync(batch, new BlobImageRequest(request.Method, ContentLength(request), request.Body), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
    }

    [Function("Health")]
    public Task<HttpResponseData> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request) =>
        Write(request, api.Health());

    [Function("OpenApi")]
    public static async Task<HttpResponseData> OpenApi(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = OpenApiDocument.Route)] HttpRequestData request) =>
        await Write(request, HttpStatusCode.OK, OpenApiDocument.Json).ConfigureAwait(false);

    /// <summary>Anonymous: the page itself holds no data; it asks for the function key before calling the API.</summary>
    [Function("WebPage")]
    public static Task<HttpResponseData> Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = WebPage.Route)] HttpRequestData request) =>
        Write(request, WebPage.Get(null));

    [Function("WebPageFile")]
    public static Task<HttpResponseData> PageFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = WebPage.FileRoute)] HttpRequestData request, string file) =>
        Write(request, WebPage.Get(file));

    /// <summary>The Content-Length header; null for a chunked body.</summary>
    private static long? ContentLength(HttpRequestData request) =>
        request.Headers.TryGetValues("Content-Length", out var values) && long.TryParse(values.FirstOrDefault(), out var n) ? n : null;

    private static Task<HttpResponseData> Write(HttpRequestData request, ApiResponse answer) => Write(request, answer.Status, answer.Content(), answer.ContentType, answer.Headers);

    private static async Task<HttpResponseData> Write(HttpRequestData request, HttpStatusCode status, byte[] content, string contentType = ApiJson.ContentType, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = request.CreateResponse(status);
        response.Headers.Add("Content-Type", contentType);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response.Headers.Add(name, value);
        }

        await response.Body.WriteAsync(content).ConfigureAwait(false);
        return response;
    }
}
