using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Fer.Api;

/// <summary>
/// The HTTP API's one route table. fer serve maps its endpoints from it; the function app declares one function per
/// route, whose trigger attribute (which must be constant) a test checks against it; a test checks openapi.json's paths
/// against it too. docs/http-api.md describes it for people.
/// </summary>
public static class ApiRoutes
{
    // The function names and openapi.json's operationIds.
    public const string Classify = "Classify";
    public const string Results = "Results";
    public const string Summary = "Summary";
    public const string DeleteBatch = "DeleteBatch";
    public const string Reclassify = "Reclassify";
    public const string ReclassifyStatus = "ReclassifyStatus";
    public const string BlobImage = "BlobImage";
    public const string Health = "Health";
    public const string OpenApi = "OpenApi";
    public const string WebPage = "WebPage";
    public const string WebPageFile = "WebPageFile";

    // The paths under /api/: constants, so that the function app's trigger attributes can name them.
    public const string ClassifyTemplate = "classify";
    public const string ResultsTemplate = "batches/{batch}/results";
    public const string SummaryTemplate = "batches/{batch}/summary";
    public const string DeleteBatchTemplate = "batches/{batch}";
    public const string ReclassifyTemplate = "batches/{batch}/reclassify";
    public const string ReclassifyStatusTemplate = "batches/{batch}/reclassify/status";
    public const string BlobImageTemplate = "batches/{batch}/image";
    public const string HealthTemplate = "health";
    public const string OpenApiTemplate = "openapi.json";
    public const string WebPageTemplate = "ui";
    public const string WebPageFileTemplate = "ui/{file}";

    /// <summary>Every route, in openapi.json's order.</summary>
    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        new(Classify, "POST", ClassifyTemplate, false, request => Handler<ClassifyApi>(request).ClassifyAsync(request)) { TakesEveryMethod = true },
        new(DeleteBatch, "DELETE", DeleteBatchTemplate, false, request => Handler<BatchDeletionApi>(request).DeleteAsync(Batch(request), request.HttpContext.RequestAborted)),
        new(Results, "GET", ResultsTemplate, false, request => Handler<ResultsApi>(request).ResultsAsync(request, Batch(request))),
        new(Summary, "GET", SummaryTemplate, false, request => Handler<ResultsApi>(request).SummaryAsync(Batch(request), request.HttpContext.RequestAborted)),
        new(Reclassify, "POST", ReclassifyTemplate, false, request => Handler<ReclassifyApi>(request).StartAsync(Batch(request), request.HttpContext.RequestAborted)),
        new(ReclassifyStatus, "GET", ReclassifyStatusTemplate, false, request => Handler<ReclassifyApi>(request).StatusAsync(Batch(request), request.HttpContext.RequestAborted)),
        new(Health, "GET", HealthTemplate, true, request => Task.FromResult(Handler<ResultsApi>(request).Health())),
        new(OpenApi, "GET", OpenApiTemplate, true, _ => Task.FromResult(OpenApiDocument.Get())),
        new(BlobImage, "POST", BlobImageTemplate, false, request => Handler<BlobImageApi>(request).ImageAsync(request, Batch(request))) { TakesEveryMethod = true },
        new(WebPage, "GET", WebPageTemplate, true, request => Task.FromResult(Fer.Api.WebPage.Get(request, null))),
        new(WebPageFile, "GET", WebPageFileTemplate, true, request => Task.FromResult(Fer.Api.WebPage.Get(request, RouteValue(request, "file")))),
    ];

    /// <summary>The route called <paramref name="name"/>.</summary>
    public static ApiRoute Named(string name) =>
        All.SingleOrDefault(route => route.Name == name) ?? throw new ArgumentException($"No route is called '{name}'.", nameof(name));

    private static T Handler<T>(HttpRequest request)
        where T : notnull => request.HttpContext.RequestServices.GetRequiredService<T>();

    private static string Batch(HttpRequest request) => RouteValue(request, "batch");

    /// <summary>A template parameter's value: both hosts route the request by the template before the handler runs.</summary>
    private static string RouteValue(HttpRequest request, string name) =>
        request.RouteValues[name] as string ?? throw new InvalidOperationException($"The request was not routed by a template with {{{name}}}.");
}
