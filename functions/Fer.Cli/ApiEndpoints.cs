using System.Net;
using Fer.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fer.Cli;

/// <summary>
/// The function app's HTTP routes on ASP.NET Core (fer serve): the same handlers (<see cref="ResultsApi"/>,
/// <see cref="ClassifyApi"/>, <see cref="BlobImageApi"/>, <see cref="BatchDeletionApi"/>, <see cref="ReclassifyApi"/>, <see cref="WebPage"/>) and the same answers, at the same paths under <c>/api</c>, without function keys.
/// </summary>
internal static class ApiEndpoints
{
    public static void MapFerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("batches/{batch}/results", (HttpContext context, string batch, ResultsApi handler) =>
        {
            var query = context.Request.Query;
            var token = (string?)context.Request.Headers[ContinuationHeader.Name];
            return Send(context, handler.ResultsAsync(batch, query["emotion"], query["status"], query["pageSize"], token, query.ContainsKey(ContinuationHeader.RefusedQueryParameter), context.RequestAborted));
        });
        api.MapGet("batches/{batch}/summary", (HttpContext context, string batch, ResultsApi handler) => Send(context, handler.SummaryAsync(batch, context.RequestAborted)));
        api.MapDelete(BatchDeletionApi.Route, (HttpContext context, string batch, BatchDeletionApi handler) => Send(context, handler.DeleteAsync(batch, context.RequestAborted)));
        api.MapPost(ReclassifyApi.Route, (HttpContext context, string batch, ReclassifyApi handler) => Send(context, handler.StartAsync(batch, context.RequestAborted)));
        api.MapGet(ReclassifyApi.StatusRoute, (HttpContext context, string batch, ReclassifyApi handler) => Send(context, handler.StatusAsync(batch, context.RequestAborted)));

        // Every method reaches these two handlers, which answer anything but POST with a JSON 405, as in the function app.
        api.Map("classify", (HttpContext context, ClassifyApi handler) =>
        {
            var request = context.Request;
            var batches = request.Query["batch"];
            return Send(context, handler.ClassifyAsync(new ClassifyRequest(request.Method, request.ContentLength, request.ContentType, request.Body, batches.FirstOrDefault(), BatchRepeated: batches.Count > 1), context.RequestAborted));
        });
        api.Map(BlobImageApi.Route, (HttpContext context, string batch, BlobImageApi handler) =>
            Send(context, handler.ImageAsync(batch, new BlobImageRequest(context.Request.Method, context.Request.ContentLength, context.Request.Body), context.RequestAborted)));
        api.MapGet(WebPage.Route, (HttpContext context) => Send(context, Task.FromResult(WebPage.Get(null))));
        api.MapGet(WebPage.FileRoute, (HttpContext context, string file) => Send(context, Task.FromResult(WebPage.Get(file))));
        api.MapGet("health", (HttpContext context, ResultsApi handler) => Send(context, Task.FromResult(handler.Health())));
        api.MapGet(OpenApiDocument.Route, (HttpContext context) => Write(context, HttpStatusCode.OK, OpenApiDocument.Json));
    }

    /// <summary>A JSON error for what routing answers without a body: an unknown path (404) or a known one with another method (405).</summary>
    public static Task WriteStatusCodeError(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var status = (HttpStatusCode)context.Response.StatusCode;
        var answer = status switch
        {
            HttpStatusCode.NotFound => ApiResponse.Error(status, ApiErrorCodes.NotFound, $"There is no route {context.Request.Path}; GET /api/openapi.json lists them."),
            HttpStatusCode.MethodNotAllowed => ApiResponse.Error(status, ApiErrorCodes.MethodNotAllowed, $"{context.Request.Path} does not take {context.Request.Method}; GET /api/openapi.json lists the methods."),
            _ => ApiResponse.Error(status, "http-" + (int)status, status.ToString()),
        };
        return Write(context, answer.Status, answer.ToJson());
    }

    private static async Task Send(HttpContext context, Task<ApiResponse> handling) =>
        await SendAsync(context, await handling.ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>Writes an answer: its headers, status, content type and body.</summary>
    public static async Task SendAsync(HttpContext context, ApiResponse answer)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(answer);
        foreach (var (name, value) in answer.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await Write(context, answer.Status, answer.Content(), answer.ContentType).ConfigureAwait(false);
    }

    private static async Task Write(HttpContext context, HttpStatusCode status, byte[] content, string contentType = ApiJson.ContentType)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(content, context.RequestAborted).ConfigureAwait(false);
    }
}
