using System.Net;
using Microsoft.AspNetCore.Http;

namespace Fer.Api;

/// <summary>
/// The web page (ui/index.html, app.js, app.css, embedded), served as <c>GET /api/ui</c> and <c>GET /api/ui/{file}</c>
/// by both hosts. Only the embedded files exist: a requested name is looked up, never joined to a path.
/// </summary>
public static class WebPage
{
    private const string ResourcePrefix = "Fer.Api.ui/";

    /// <summary>
    /// Sent with every answer of these routes. The page runs only its own script and style and talks only to its own
    /// origin (images are data: and blob: URLs it makes itself, the camera a MediaStream); no other site may frame it
    /// (clickjacking its delete and upload buttons); nosniff keeps a browser from reading a file as another type.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SecurityHeaders { get; } = new Dictionary<string, string>
    {
        ["Content-Security-Policy"] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "media-src 'self' blob: mediastream:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ["X-Content-Type-Options"] = "nosniff",
        ["X-Frame-Options"] = "DENY",
    };

    private static readonly Dictionary<string, (byte[] Content, string ContentType)> Files = Load();

    /// <summary>
    /// The page itself for a null or empty <paramref name="file"/>; a 404 for a name that is not one of its files.
    /// Either way <see cref="SecurityHeaders"/> are set on the request's response.
    /// </summary>
    public static IResult Get(HttpRequest request, string? file)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (name, value) in SecurityHeaders)
        {
            request.HttpContext.Response.Headers[name] = value;
        }

        return Files.TryGetValue(string.IsNullOrEmpty(file) ? "index.html" : file, out var found)
            ? TypedResults.Bytes(found.Content, found.ContentType)
            : ApiResults.Error(HttpStatusCode.NotFound, ApiErrorCodes.NotFound, $"The page has no file '{file}'; open /api/ui.");
    }

    private static Dictionary<string, (byte[] Content, string ContentType)> Load()
    {
        var assembly = typeof(WebPage).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToDictionary(n => n[ResourcePrefix.Length..], n => (Read(assembly, n), ContentTypeOf(n)), StringComparer.Ordinal);
    }

    private static byte[] Read(System.Reflection.Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        var other => throw new InvalidOperationException($"The web page's file {name} has an extension ({other}) without a content type here."),
    };
}
