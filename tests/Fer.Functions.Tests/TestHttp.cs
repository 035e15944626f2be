using System.Net;
using System.Text.Json;
using Fer.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Fer.Functions.Tests;

/// <summary>
/// Requests and answers as the hosts make them. No Functions host can run here (Core Tools cannot be installed), so a
/// request is ASP.NET Core's own <see cref="DefaultHttpContext"/>, routed by the route table's templates as both hosts
/// route it, and an answer is the handler's <see cref="IResult"/> executed into that context's response, as both hosts
/// execute it. The handlers, stores and Azurite behind them stay real.
/// </summary>
internal static class TestHttp
{
    /// <summary>A request to <c>http://localhost/api/</c><paramref name="pathAndQuery"/>, with a Content-Length when it has a body.</summary>
    public static HttpRequest Request(IServiceProvider services, string method, string pathAndQuery, byte[]? body = null, string? contentType = null) =>
        Request(services, method, pathAndQuery, body is null ? null : new MemoryStream(body, writable: false), body?.Length, contentType);

    /// <summary>A request whose body is <paramref name="body"/> as it is, with <paramref name="contentLength"/> (null: chunked).</summary>
    public static HttpRequest Request(IServiceProvider services, string method, string pathAndQuery, Stream? body, long? contentLength, string? contentType = null)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var request = context.Request;
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        request.Method = method;
        request.Scheme = "http";
        request.Host = new HostString("localhost");
        request.PathBase = "/api";
        request.Path = "/" + (query < 0 ? pathAndQuery : pathAndQuery[..query]);
        request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
        request.Body = body ?? Stream.Null;
        request.ContentLength = contentLength;
        request.ContentType = contentType;
        foreach (var route in ApiRoutes.All)
        {
            if (new TemplateMatcher(TemplateParser.Parse(route.Template), new RouteValueDictionary()).TryMatch(request.Path, request.RouteValues))
            {
                break;
            }
        }

        return request;
    }

    /// <summary>What <paramref name="result"/> writes into <paramref name="request"/>'s response, read back.</summary>
    public static async Task<TestAnswer> AnswerAsync(this IResult result, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(result);
        var response = request.HttpContext.Response;
        await result.ExecuteAsync(request.HttpContext);
        return new TestAnswer((HttpStatusCode)response.StatusCode, response.Headers, ((MemoryStream)response.Body).ToArray());
    }

    /// <summary>The status a result answers with (200 unless it says otherwise).</summary>
    public static HttpStatusCode Status(this IResult result) => (HttpStatusCode)((result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK);

    /// <summary>The object a JSON result answers with.</summary>
    public static object? Body(this IResult result) => Assert.IsAssignableFrom<IValueHttpResult>(result).Value;

    /// <summary>An error result's <c>code</c>.</summary>
    public static string Code(this IResult result) => Assert.IsType<ApiError>(result.Body()).Code;

    /// <summary>A file result's bytes and content type.</summary>
    public static (byte[] Content, string? ContentType) File(this IResult result)
    {
        var file = Assert.IsType<FileContentHttpResult>(result);
        return (file.FileContents.ToArray(), file.ContentType);
    }
}

/// <summary>An executed answer: status, headers (Content-Type among them) and body.</summary>
internal sealed record TestAnswer(HttpStatusCode StatusCode, IHeaderDictionary Headers, byte[] Content)
{
    /// <summary>The single value of a header, or null when it is absent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var values) ? values.Single() : null;

    public JsonElement Json() => JsonDocument.Parse(Content).RootElement;
}
