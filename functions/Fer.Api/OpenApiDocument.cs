using Microsoft.AspNetCore.Http;

namespace Fer.Api;

/// <summary>The OpenAPI 3.0 description of the HTTP API (openapi.json, embedded), served as <c>GET /api/openapi.json</c>.</summary>
public static class OpenApiDocument
{
    public static byte[] Json { get; } = Load();

    /// <summary>The document as the route answers it.</summary>
    public static IResult Get() => TypedResults.Bytes(Json, ApiResults.JsonContentType);

    private static byte[] Load()
    {
        using var stream = typeof(OpenApiDocument).Assembly.GetManifestResourceStream("Fer.Api.openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded in Fer.Api.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
