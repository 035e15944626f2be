using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Fer.Api;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fer.Cli.Tests;

/// <summary><c>fer serve</c> over real HTTP on a free port, against Azurite, with the demo model and the face detector.</summary>
[Collection(AzuriteTests.Name)] // with the other CLI tests: they share the default container names
public sealed class ServeTests(Azurite azurite)
{
    private static readonly string Photo = Path.Combine(FaceApiReference.RepositoryRoot, "..", "shared", "photos", "obama_family.jpg");

    [Fact]
    public async Task Serve_classifies_a_posted_photo_and_classifies_a_batch_upload_in_the_background()
    {
        Assert.Equal(0, await FerCommandLine.RunAsync(["model", "publish", Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo"), "--promote", "--connection-string", azurite.ConnectionString]));
        var serve = await LocalServe.StartAsync(azurite.ConnectionString, TimeSpan.FromMinutes(3));
        using var http = new HttpClient { BaseAddress = serve.Api };
        var batch = "serve" + Guid.NewGuid().ToString("N")[..8];

        using var classified = await http.PostAsync("classify", Image());
        using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(Photo)), "image", "obama_family.jpg" } };
        using var fromForm = await http.PostAsync("classify", form); // what curl -F image=@obama_family.jpg sends
        using var uploaded = await http.PostAsync($"classify?batch={batch}", Image());
        var rows = await LocalServe.WaitForRowsAsync(http, batch, 4);
        using var get = await http.GetAsync("classify");
        using var missing = await http.GetAsync("no-such-route");
        using var wrongMethod = await http.GetAsync($"batches/{batch}/reclassify");
        using var imageByGet = await http.GetAsync($"batches/{batch}/image?blob={Uri.EscapeDataString(rows[0].GetProperty("blobName").GetString()!)}");
        using var imageByPost = await http.PostAsync($"batches/{batch}/image", JsonContent.Create(new { blob = rows[0].GetProperty("blobName").GetString() }));
        using var openApi = await http.GetAsync("openapi.json");
        await serve.DisposeAsync();

        Assert.Equal(HttpStatusCode.OK, classified.StatusCode);
        var items = (await Json(classified)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3], items.Select(i => i.GetProperty("face").GetInt32()));
        Assert.All(items, i => Assert.Equal("classified", i.GetProperty("status").GetString()));
        Assert.Equal(4, (await Json(fromForm)).GetProperty("items").GetArrayLength());
        Assert.StartsWith(batch + "/upload-", (await Json(uploaded)).GetProperty("uploaded").GetProperty("blobName").GetString(), StringComparison.Ordinal);
        Assert.Equal([0, 1, 2, 3], rows.Select(r => r.GetProperty("face").GetInt32()).Order());
        Assert.Equal((HttpStatusCode.MethodNotAllowed, ApiErrorCodes.MethodNotAllowed), (get.StatusCode, (await Json(get)).GetProperty("code").GetString()));
        Assert.Equal((HttpStatusCode.NotFound, ApiErrorCodes.NotFound), (missing.StatusCode, (await Json(missing)).GetProperty("code").GetString()));
        Assert.Equal((HttpStatusCode.MethodNotAllowed, ApiErrorCodes.MethodNotAllowed), (wrongMethod.StatusCode, (await Json(wrongMethod)).GetProperty("code").GetString()));
        Assert.Equal((HttpStatusCode.MethodNotAllowed, ApiErrorCodes.MethodNotAllowed), (imageByGet.StatusCode, (await Json(imageByGet)).GetProperty("code").GetString())); // the name goes in a POST body, not the URL
        Assert.Equal((HttpStatusCode.OK, "image/jpeg"), (imageByPost.StatusCode, imageByPost.Content.Headers.ContentType?.MediaType));
        Assert.Equal("3.0.3", (await Json(openApi)).GetProperty("openapi").GetString());
        Assert.Equal(0, await serve.Serving);
    }

    [Fact]
    public async Task Serve_reclassifies_a_batch_in_the_background_through_its_local_queue_reader()
    {
        var storage = new[] { "--connection-string", azurite.ConnectionString };
        Assert.Equal(0, await FerCommandLine.RunAsync(["model", "publish", Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo"), "--promote", .. storage]));
        var folder = Directory.CreateTempSubdirectory("fer-serve-reclassify-").FullName;
        for (var i = 0; i < 3; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{i}.png"), Fer.Inference.Tests.TestImages.Png(16, 16, SkiaSharp.SKColors.Gray));
        }

        var batch = "again" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, await FerCommandLine.RunAsync(["upload", folder, "--batch", batch, .. storage]));
        var serve = await LocalServe.StartAsync(azurite.ConnectionString, TimeSpan.FromMinutes(3));
        using var http = new HttpClient { BaseAddress = serve.Api };

        using var started = await http.PostAsync($"batches/{batch}/reclassify", null);
        var statusUrl = (await Json(started)).GetProperty("statusUrl").GetString()!;
        JsonElement status;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        do
        {
            await Task.Delay(200);
            using var polled = await http.GetAsync(new Uri(serve.Api, statusUrl));
            status = await Json(polled);
        }
        while (status.GetProperty("state").GetString() != "done" && DateTime.UtcNow < deadline);
        var rows = await LocalServe.WaitForRowsAsync(http, batch, 3);
        await serve.DisposeAsync();
        Directory.Delete(folder, recursive: true);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(("done", 3, 3), (status.GetProperty("state").GetString(), status.GetProperty("blobs").GetInt32(), status.GetProperty("processed").GetInt32()));
        Assert.Equal(3, rows.Count);
    }

    [Fact]
    public async Task Serve_maps_exactly_the_routes_and_methods_of_the_openapi_document()
    {
        await using var app = ServeHost.Build(new StorageConnection { ConnectionString = azurite.ConnectionString }, LocalServe.FreePort());

        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .ToDictionary(e => "/" + e.RoutePattern.RawText!.TrimStart('/'), e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Select(m => m.ToLowerInvariant()).Order().ToArray());
        using var document = JsonDocument.Parse(OpenApiDocument.Json);
        var documented = document.RootElement.GetProperty("paths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateObject().Select(o => o.Name).Order().ToArray());

        Assert.Equal(documented.Keys.Order(), routes.Keys.Order());
        foreach (var (path, methods) in routes)
        {
            Assert.True(methods is null ? documented[path].Length > 0 : methods.SequenceEqual(documented[path]), path);
        }
    }

    private static ByteArrayContent Image()
    {
        var content = new ByteArrayContent(File.ReadAllBytes(Photo));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return content;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}
