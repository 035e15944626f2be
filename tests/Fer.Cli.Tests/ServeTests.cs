using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Fer.Api;
using Fer.Inference;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{i}.png"), TestImages.Png(16, 16, SkiaSharp.SKColors.Gray));
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
    public async Task Serve_maps_exactly_the_route_tables_routes_names_and_methods()
    {
        await using var app = ServeHost.Build(new StorageConnection { ConnectionString = azurite.ConnectionString }, LocalServe.FreePort());

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (Path: "/" + e.RoutePattern.RawText!.TrimStart('/'), Name: e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName, Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods))
            .OrderBy(e => e.Path).ToList();
        var table = ApiRoutes.All.OrderBy(r => "/api/" + r.Template).ToList();

        Assert.Equal(table.Select(r => ("/api/" + r.Template, (string?)r.Name)), endpoints.Select(e => (e.Path, e.Name)));
        Assert.All(table.Zip(endpoints), pair => Assert.Equal(pair.First.TakesEveryMethod ? null : new[] { pair.First.Method }, pair.Second.Methods));
    }

    [Fact]
    public async Task Serve_answers_only_loopback_hosts_and_refuses_changes_from_another_sites_page_but_not_from_its_own_or_from_programs()
    {
        Assert.Equal(0, await FerCommandLine.RunAsync(["model", "publish", Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo"), "--promote", "--connection-string", azurite.ConnectionString]));
        var serve = await LocalServe.StartAsync(azurite.ConnectionString, TimeSpan.FromMinutes(3), "--allow-host", "fer.example");
        using var http = new HttpClient { BaseAddress = serve.Api };
        var port = serve.Api.Port;
        var (kept, refused) = ("kept" + Guid.NewGuid().ToString("N")[..8], "refused" + Guid.NewGuid().ToString("N")[..8]);

        // DNS rebinding: a page of evil.example, its name pointed at 127.0.0.1, would be same-origin with the server.
        var otherHosts = new List<(HttpStatusCode, string?)>();
        foreach (var host in new[] { "evil.example", $"evil.example:{port}", $"127.0.0.1.nip.io:{port}", $"localhost.evil.example:{port}" })
        {
            using var answer = await SendAsync(http, HttpMethod.Get, "health", host: host);
            otherHosts.Add((answer.StatusCode, await CodeAsync(answer)));
        }

        var loopbackHosts = new List<HttpStatusCode>();
        foreach (var host in new[] { $"localhost:{port}", $"LOCALHOST:{port}", $"127.0.0.1:{port}", $"[::1]:{port}", $"fer.example:{port}", "localhost" })
        {
            using var answer = await SendAsync(http, HttpMethod.Get, ApiRoutes.OpenApiTemplate, host: host);
            loopbackHosts.Add(answer.StatusCode);
        }

        // A program (curl, fer) sends no Origin: it may change things. Another site's page may not, however it says so.
        using var fromProgram = await http.PostAsync($"classify?batch={kept}", Image());
        var crossSite = new List<(HttpStatusCode, string?)>();
        foreach (var (method, path, origin, site) in new (HttpMethod, string, string?, string?)[]
        {
            (HttpMethod.Delete, $"batches/{kept}", "http://evil.example", null),
            (HttpMethod.Delete, $"batches/{kept}", null, "cross-site"),
            (HttpMethod.Post, $"batches/{kept}/reclassify", $"http://localhost:{port + 1}", null), // another port of localhost: same site, other origin
            (HttpMethod.Post, $"classify?batch={refused}", "null", null), // a sandboxed frame or a data: page
            (HttpMethod.Post, $"classify?batch={refused}", null, "same-site"),
            (HttpMethod.Post, $"classify?batch={refused}", $"https://127.0.0.1:{port}", null),
        })
        {
            using var answer = await SendAsync(http, method, path, Image(), origin: origin, site: site);
            crossSite.Add((answer.StatusCode, await CodeAsync(answer)));
        }

        // Its own page sends its own origin; reads from anywhere pass (a browser keeps their answers from other sites' pages).
        using var ownPage = await SendAsync(http, HttpMethod.Post, "classify", Image(), origin: $"http://127.0.0.1:{port}", site: "same-origin");
        using var ownPageByName = await SendAsync(http, HttpMethod.Post, "classify", Image(), host: $"localhost:{port}", origin: $"http://localhost:{port}", site: "same-origin");
        using var typedAddress = await SendAsync(http, HttpMethod.Post, "classify", Image(), site: "none");
        using var crossSiteRead = await SendAsync(http, HttpMethod.Get, $"batches/{kept}/summary", origin: "http://evil.example", site: "cross-site");
        var faces = new BlobContainerClient(azurite.ConnectionString, "faces");
        var keptBlobs = await faces.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = kept + "/" }).ToListAsync();
        var refusedBlobs = await faces.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = refused + "/" }).ToListAsync();
        await serve.DisposeAsync();

        Assert.All(otherHosts, answer => Assert.Equal((HttpStatusCode.Forbidden, ApiErrorCodes.HostNotAllowed), answer));
        Assert.All(loopbackHosts, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.OK, fromProgram.StatusCode);
        Assert.All(crossSite, answer => Assert.Equal((HttpStatusCode.Forbidden, ApiErrorCodes.CrossSiteRequest), answer));
        Assert.Single(keptBlobs); // neither delete reached it
        Assert.Empty(refusedBlobs);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], new[] { ownPage.StatusCode, ownPageByName.StatusCode, typedAddress.StatusCode, crossSiteRead.StatusCode });
    }

    [Fact]
    public async Task Serve_answers_a_body_over_the_bytes_in_flight_at_once_with_503_and_retry_after_and_admits_again_once_they_end()
    {
        Assert.Equal(0, await FerCommandLine.RunAsync(["model", "publish", Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo"), "--promote", "--connection-string", azurite.ConnectionString]));
        var serve = await LocalServe.StartAsync(azurite.ConnectionString, TimeSpan.FromMinutes(3));
        using var http = new HttpClient { BaseAddress = serve.Api };
        var defaults = new FerOptions();
        var senders = (int)(defaults.MaxRequestBytesInFlight / defaults.MaxImageBytes) + 1; // one more body of the largest size than the default admits

        // Each client declares a body at the limit and sends one byte of it: admitted ones wait for the rest.
        var clients = new List<TcpClient>();
        string first;
        try
        {
            for (var i = 0; i < senders; i++)
            {
                var client = new TcpClient();
                clients.Add(client);
                await client.ConnectAsync(IPAddress.Loopback, serve.Api.Port);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                    $"POST /api/classify HTTP/1.1\r\nHost: 127.0.0.1:{serve.Api.Port}\r\nContent-Type: image/jpeg\r\nContent-Length: {defaults.MaxImageBytes}\r\n\r\n\u00ff"));
            }

            var answers = clients.Select(c => ReadAnswerAsync(c.GetStream())).ToList();
            first = await (await Task.WhenAny(answers).WaitAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        // Their bytes are freed when their requests end (here: the clients went away), and a photo is admitted again.
        var again = HttpStatusCode.ServiceUnavailable;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); again == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            using var answer = await http.PostAsync("classify", Image());
            again = answer.StatusCode;
        }
        await serve.DisposeAsync();

        Assert.StartsWith("HTTP/1.1 503 ", first, StringComparison.Ordinal);
        Assert.Contains("\r\nRetry-After: 5\r\n", first, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"code\":\"server-busy\"", first, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, again);
    }

    [Fact]
    public async Task Serve_refuses_a_repeated_batch_and_a_5000_character_boundary_in_json_and_sends_the_page_with_its_security_headers()
    {
        var serve = await LocalServe.StartAsync(azurite.ConnectionString, TimeSpan.FromMinutes(3));
        using var http = new HttpClient { BaseAddress = serve.Api };
        var batch = "twice" + Guid.NewGuid().ToString("N")[..8];
        var boundary = new string('b', 5000);
        using var form = new ByteArrayContent([.. Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n\r\n"), .. await File.ReadAllBytesAsync(Photo), .. Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n")]);
        Assert.True(form.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}")); // HttpClient's own form type refuses boundaries over RFC 2046's 70

        using var repeated = await http.PostAsync($"classify?batch={batch}&batch=other", Image());
        using var longBoundary = await http.PostAsync("classify", form);
        using var page = await http.GetAsync("ui");
        using var script = await http.GetAsync("ui/app.js");
        var blobs = await new BlobContainerClient(azurite.ConnectionString, "faces").GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = batch }).ToListAsync();
        await serve.DisposeAsync();

        Assert.Equal((HttpStatusCode.BadRequest, ApiErrorCodes.BatchRepeated), (repeated.StatusCode, (await Json(repeated)).GetProperty("code").GetString()));
        Assert.Empty(blobs); // not batch "NAME,other"
        Assert.Equal((HttpStatusCode.BadRequest, ApiErrorCodes.FormInvalid), (longBoundary.StatusCode, (await Json(longBoundary)).GetProperty("code").GetString()));
        foreach (var answer in new[] { page, script })
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("frame-ancestors 'none'", string.Join(",", answer.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
            Assert.Equal(["nosniff"], answer.Headers.GetValues("X-Content-Type-Options"));
            Assert.Equal(["DENY"], answer.Headers.GetValues("X-Frame-Options"));
        }
    }

    [Fact]
    public async Task The_local_blob_trigger_logs_a_blob_it_could_not_classify_by_the_hash_of_its_name()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fer:FacesContainer"] = "faces" + suffix,
            ["Fer:ModelsContainer"] = "models" + suffix, // empty: no model, so the upload cannot be classified
            ["Fer:ResultsTable"] = "emotions" + suffix,
        }).Build();
        await using var services = new ServiceCollection().AddLogging()
            .AddFerServing(configuration, new StorageConnection { ConnectionString = azurite.ConnectionString }).BuildServiceProvider();
        await services.EnsureStorageCreatedAsync();
        var faces = services.GetRequiredKeyedService<BlobContainerClient>(InferenceServiceRegistration.FacesContainerKey);
        const string name = "family/Jane Doe at the beach.png";
        await faces.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(TestImages.Png(16, 16, SkiaSharp.SKColors.Gray)));
        var logger = new CapturingLogger();
        using var trigger = new LocalBlobTrigger(services.GetRequiredService<ClassificationPipeline>(), faces, logger);

        await trigger.StartAsync(CancellationToken.None);
        await trigger.UploadedAsync(name, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (logger.Lines.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await trigger.StopAsync(CancellationToken.None);

        var line = Assert.Single(logger.Lines);
        Assert.Contains(BlobNameHash.Of(name), line, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane", line, StringComparison.Ordinal);
    }

    /// <summary>A request with the headers a browser would send: Host, Origin and Sec-Fetch-Site.</summary>
    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, HttpContent? content = null, string? host = null, string? origin = null, string? site = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }

        return http.SendAsync(request);
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage answer) =>
        answer.Content.Headers.ContentType?.MediaType == "application/json" && JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;

    /// <summary>An HTTP/1.1 answer's status line, headers and body (by its Content-Length or to its last chunk), as text; what came before a reset.</summary>
    private static async Task<string> ReadAnswerAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var text = Encoding.ASCII.GetString([.. received]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var length = Regex.Match(text, @"\r\nContent-Length: *(\d+)", RegexOptions.IgnoreCase);
            if (end >= 0 && (length.Success ? received.Count >= end + 4 + int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal)))
            {
                return text;
            }

            int read;
            try
            {
                read = await stream.ReadAsync(buffer);
            }
            catch (IOException) when (received.Count > 0)
            {
                read = 0;
            }

            if (read == 0)
            {
                return text;
            }

            received.AddRange(buffer[..read]);
        }
    }

    private sealed class CapturingLogger : ILogger<LocalBlobTrigger>
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception) + " " + exception?.Message + " " + string.Join(" ", (state as IEnumerable<KeyValuePair<string, object?>> ?? []).Select(p => $"{p.Key}={p.Value}")));
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
