using System.Net;
using Fer.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fer.Cli;

/// <summary>fer serve's endpoints: the routes of <see cref="ApiRoutes"/> under <c>/api</c>, the function app's, without function keys.</summary>
internal static class ApiEndpoints
{
    public static void MapFerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        foreach (var route in ApiRoutes.All)
        {
            RequestDelegate handle = async context => await (await route.InvokeAsync(context.Request).ConfigureAwait(false)).ExecuteAsync(context).ConfigureAwait(false);
            var endpoint = route.TakesEveryMethod ? api.Map(route.Template, handle) : api.MapMethods(route.Template, [route.Method], handle);
            endpoint.WithName(route.Name);
        }
    }

    /// <summary>A JSON error for what routing answers without a body: an unknown path (404) or a known one with another method (405).</summary>
    public static Task WriteStatusCodeError(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var status = (HttpStatusCode)context.Response.StatusCode;
        var answer = status switch
        {
            HttpStatusCode.NotFound => ApiResults.Error(status, ApiErrorCodes.NotFound, $"There is no route {context.Request.Path}; GET /api/openapi.json lists them."),
            HttpStatusCode.MethodNotAllowed => ApiResults.Error(status, ApiErrorCodes.MethodNotAllowed, $"{context.Request.Path} does not take {context.Request.Method}; GET /api/openapi.json lists the methods."),
            _ => ApiResults.Error(status, "http-" + (int)status, status.ToString()),
        };
        return answer.ExecuteAsync(context);
    }
}
