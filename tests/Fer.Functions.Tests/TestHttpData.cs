using System.Net;
using System.Security.Claims;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Fer.Functions.Tests;

// Test doubles of the isolated worker's HTTP transport types. No Functions host can run here (Core Tools cannot be
// installed), so these stand in for the host's request and response, letting the tests call HttpFunctions' adapters
// directly. They are not mocks of our code: the handlers, stores and Azurite behind the adapters stay real.

/// <summary>A request as the host would hand it to a function: method, URL, headers and body.</summary>
internal sealed class TestHttpRequestData(FunctionContext context, string method, Uri url, Stream body) : HttpRequestData(context)
{
    public override Stream Body { get; } = body;

    public override HttpHeadersCollection Headers { get; } = new();

    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    public override Uri Url { get; } = url;

    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    public override string Method { get; } = method;

    /// <summary>A request to <c>http://localhost/api/</c><paramref name="pathAndQuery"/>, with a Content-Length when it has a body.</summary>
    public static TestHttpRequestData Create(IServiceProvider services, string method, string pathAndQuery, byte[]? body = null, string? contentType = null)
    {
        var request = new TestHttpRequestData(new TestFunctionContext(services), method, new Uri("http://localhost/api/" + pathAndQuery), new MemoryStream(body ?? [], writable: false));
        if (body is not null)
        {
            request.Headers.Add("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (contentType is not null)
        {
            request.Headers.Add("Content-Type", contentType);
        }

        return request;
    }

    public override HttpResponseData CreateResponse() => new TestHttpResponseData(FunctionContext);
}

/// <summary>A response that keeps what the adapter wrote: status, headers and body.</summary>
internal sealed class TestHttpResponseData(FunctionContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; }

    public override HttpHeadersCollection Headers { get; set; } = new();

    public override Stream Body { get; set; } = new MemoryStream();

    /// <summary>No adapter sets cookies: one that starts to fails here rather than passing unseen.</summary>
    public override HttpCookies Cookies => throw new NotSupportedException("the HTTP functions set no cookies");

    public byte[] Content() => ((MemoryStream)Body).ToArray();

    /// <summary>The single value of a header, or null when it is absent.</summary>
    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? values.Single() : null;
}

/// <summary>The invocation context a request needs; only <see cref="InstanceServices"/> holds anything.</summary>
internal sealed class TestFunctionContext(IServiceProvider services) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId { get; } = "test";

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException("the HTTP functions use no invocation features");

    public override TraceContext TraceContext => throw new NotSupportedException("the HTTP functions read no trace context");

    public override BindingContext BindingContext => throw new NotSupportedException("the HTTP functions bind nothing through the context");

    public override RetryContext RetryContext => throw new NotSupportedException("HTTP functions are not retried");

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException("the HTTP functions read no function definition");
}
