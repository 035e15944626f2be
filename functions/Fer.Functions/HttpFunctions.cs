using Fer.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Fer.Functions;

/// <summary>
/// The HTTP API as functions, one per route of <see cref="ApiRoutes"/>, each running its route's handler. The trigger
/// attributes must be constants, so they repeat the table's method and template; RouteTableTests checks them against it.
/// Function key everywhere but health, the OpenAPI document and the page (anonymous: they read and change nothing;
/// the page asks for the key before it calls the API).
/// </summary>
public static class HttpFunctions
{
    /// <summary>Every method reaches the handler, so that a GET gets a JSON 405 rather than the host's bare 404.</summary>
    [Function(ApiRoutes.Classify)]
    public static Task<IResult> Classify(
        [HttpTrigger(AuthorizationLevel.Function, Route = ApiRoutes.ClassifyTemplate)] HttpRequest request) => Handle(ApiRoutes.Classify, request);

    [Function(ApiRoutes.DeleteBatch)]
    public static Task<IResult> DeleteBatch(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.DeleteBatchTemplate)] HttpRequest request) => Handle(ApiRoutes.DeleteBatch, request);

    [Function(ApiRoutes.Results)]
    public static Task<IResult> Results(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.ResultsTemplate)] HttpRequest request) => Handle(ApiRoutes.Results, request);

    [Function(ApiRoutes.Summary)]
    public static Task<IResult> Summary(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.SummaryTemplate)] HttpRequest request) => Handle(ApiRoutes.Summary, request);

    [Function(ApiRoutes.Reclassify)]
    public static Task<IResult> Reclassify(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.ReclassifyTemplate)] HttpRequest request) => Handle(ApiRoutes.Reclassify, request);

    [Function(ApiRoutes.ReclassifyStatus)]
    public static Task<IResult> ReclassifyStatus(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.ReclassifyStatusTemplate)] HttpRequest request) => Handle(ApiRoutes.ReclassifyStatus, request);

    [Function(ApiRoutes.Health)]
    public static Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.HealthTemplate)] HttpRequest request) => Handle(ApiRoutes.Health, request);

    [Function(ApiRoutes.OpenApi)]
    public static Task<IResult> OpenApi(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.OpenApiTemplate)] HttpRequest request) => Handle(ApiRoutes.OpenApi, request);

    /// <summary>Every method reaches the handler, as for classify: a GET gets a JSON 405 saying to POST the name.</summary>
    [Function(ApiRoutes.BlobImage)]
    public static Task<IResult> BlobImage(
        [HttpTrigger(AuthorizationLevel.Function, Route = ApiRoutes.BlobImageTemplate)] HttpRequest request) => Handle(ApiRoutes.BlobImage, request);

    [Function(ApiRoutes.WebPage)]
    public static Task<IResult> WebPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.WebPageTemplate)] HttpRequest request) => Handle(ApiRoutes.WebPage, request);

    [Function(ApiRoutes.WebPageFile)]
    public static Task<IResult> WebPageFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.WebPageFileTemplate)] HttpRequest request) => Handle(ApiRoutes.WebPageFile, request);

    private static Task<IResult> Handle(string route, HttpRequest request) => ApiRoutes.Named(route).InvokeAsync(request);
}
