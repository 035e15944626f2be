using System.Net;
using System.Text.Json;
using Fer.Inference;

namespace Fer.Api;

/// <summary>An HTTP answer, whichever host sends it: a status, a body, JSON (serialized with <see cref="FerJson.Options"/>) unless it is an <see cref="ApiFile"/>, and any headers besides Content-Type.</summary>
public sealed record ApiResponse(HttpStatusCode Status, object Body)
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    /// <summary>Headers each host adds to the answer as they are (Content-Type is not one of them: see <see cref="ContentType"/>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = NoHeaders;

    /// <summary>A 4xx/5xx answer: a stable <paramref name="code"/> (the blob path's ErrorCode where one exists) and a sentence.</summary>
    public static ApiResponse Error(HttpStatusCode status, string code, string message) => new(status, new ApiError(code, message));

    /// <summary>A 200 answer that is not JSON: an image, or one of the web page's files.</summary>
    public static ApiResponse File(byte[] content, string contentType) => new(HttpStatusCode.OK, new ApiFile(content, contentType));

    public string ContentType => Body is ApiFile file ? file.ContentType : ApiJson.ContentType;

    /// <summary>The bytes to send: the file's, or the body as JSON.</summary>
    public byte[] Content() => Body is ApiFile file ? file.Content : ToJson();

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(Body, Body.GetType(), FerJson.Options);
}

/// <summary>The body of every error answer.</summary>
public sealed record ApiError(string Code, string Error);

/// <summary>A body sent as it is, with its content type.</summary>
public sealed record ApiFile(byte[] Content, string ContentType);

/// <summary>The content type of every JSON answer; the body is written with <see cref="FerJson.Options"/>, as the CLI's JSON lines are.</summary>
public static class ApiJson
{
    public const string ContentType = "application/json; charset=utf-8";
}
