using System.Net;
using System.Text;
using System.Text.Json;
using Fer.Api;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.Azure.Functions.Worker.Http;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary>
/// The adapters in HttpFunctions, through test doubles of the worker's request and response: what they take from the
/// request (method, headers, query, body) and write to the response (status, content type, headers, body). The other
/// tests call the handlers directly, so a header or parameter the adapter drops would pass them unseen.
/// </summary>
[Collection(AzuriteTests.Name)]
public sealed class HttpFunctionsTests(Azurite azurite) : IDisposable
{
    private readonly string models = Path.Combine(Path.GetTempPath(), "fer-http-models-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(models))
        {
            Directory.Delete(models, recursive: true);
        }
    }

    [Fact]
    public async Task Results_pages_by_the_continuation_header_both_ways_with_every_row_once()
    {
        using var host = new FunctionHost(azurite);
        await ClassifyAsync(host, "paged", images: 5);
        var functions = host.Create<HttpFunctions>();

        var pages = new List<TestHttpResponseData>();
        string? token = null;
        do
        {
            var request = Request(host, "GET", "batches/paged/results?pageSize=2");
            if (token is not null)
            {
                request.Headers.Add(ContinuationHeader.Name, token);
            }

            var page = Answer(await functions.Results(request, "paged", CancellationToken.None));
            token = page.Header(ContinuationHeader.Name);
            pages.Add(page);
        }
        while (token is not null && pages.Count < 10);
        var all = Answer(await functions.Results(Request(host, "GET", "batches/paged/results?pageSize=10"), "paged", CancellationToken.None));

        Assert.Equal([2, 2, 1], pages.Select(page => Rows(page).Count()));
        Assert.All(pages, page => Assert.Equal((HttpStatusCode.OK, ApiJson.ContentType), (page.StatusCode, page.Header("Content-Type"))));
        Assert.All(pages[..^1], page => Assert.Equal(Json(page).GetProperty("continuationToken").GetString(), page.Header(ContinuationHeader.Name)));
        Assert.Equal(JsonValueKind.Null, Json(pages[^1]).GetProperty("continuationToken").ValueKind);
        Assert.Null(pages[^1].Header(ContinuationHeader.Name));
        Assert.Equal(Rows(all).ToList(), pages.SelectMany(Rows).ToList()); // none twice, none missing, in the table's order
        Assert.Equal(5, Rows(all).Distinct().Count());
    }

    [Fact]
    public async Task Results_refuses_a_continuation_token_in_the_query_string_with_its_code_and_no_header()
    {
        using var host = new FunctionHost(azurite);
        await ClassifyAsync(host, "queried", images: 3);
        var functions = host.Create<HttpFunctions>();
        var token = Answer(await functions.Results(Request(host, "GET", "batches/queried/results?pageSize=1"), "queried", CancellationToken.None)).Header(ContinuationHeader.Name);

        var refused = Answer(await functions.Results(Request(host, "GET", $"batches/queried/results?pageSize=1&continuationToken={Uri.EscapeDataString(token!)}"), "queried", CancellationToken.None));

        Assert.Equal((HttpStatusCode.BadRequest, ApiJson.ContentType), (refused.StatusCode, refused.Header("Content-Type")));
        Assert.Equal(ApiErrorCodes.ContinuationTokenInQuery, Json(refused).GetProperty("code").GetString());
        Assert.Null(refused.Header(ContinuationHeader.Name));
    }

    [Fact]
    public async Task BlobImage_serves_the_posted_blob_name_and_answers_any_other_method_with_a_json_405()
    {
        using var host = new FunctionHost(azurite);
        var png = TestImages.Png(20, 10, SKColors.Red);
        await host.UploadAsync("mine/x.png", png);
        var functions = host.Create<HttpFunctions>();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { blob = "mine/x.png" });

        var image = Answer(await functions.BlobImage(Request(host, "POST", "batches/mine/image", body, "application/json"), "mine", CancellationToken.None));
        var get = Answer(await functions.BlobImage(Request(host, "GET", "batches/mine/image"), "mine", CancellationToken.None));

        Assert.Equal((HttpStatusCode.OK, "image/png"), (image.StatusCode, image.Header("Content-Type")));
        Assert.Equal(png, image.Content());
        Assert.Equal((HttpStatusCode.MethodNotAllowed, ApiJson.ContentType), (get.StatusCode, get.Header("Content-Type")));
        Assert.Equal(ApiErrorCodes.MethodNotAllowed, Json(get).GetProperty("code").GetString());
    }

    [Fact]
    public async Task BlobImage_passes_the_declared_content_length_so_a_body_declared_too_large_is_refused_unread()
    {
        using var host = new FunctionHost(azurite);
        var request = Request(host, "POST", "batches/mine/image", Encoding.UTF8.GetBytes($"{{\"blob\": \"mine/x.png\"{new string(' ', 9 * 1024)}}}"));

        var answer = Answer(await host.Create<HttpFunctions>().BlobImage(request, "mine", CancellationToken.None));

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, ApiErrorCodes.BodyTooLarge), (answer.StatusCode, Json(answer).GetProperty("code").GetString()));
        Assert.Equal(0, request.Body.Position); // refused on the header alone: the adapter passed Content-Length
    }

    [Fact]
    public async Task Classify_answers_a_posted_image_with_its_faces_uploads_to_the_query_batch_and_answers_get_with_a_json_405()
    {
        using var host = new FunctionHost(azurite);
        await PublishModelAsync(host);
        var functions = host.Create<HttpFunctions>();
        var png = TestImages.Png(48, 48, new SKColor(200, 160, 140));

        var answer = Answer(await functions.Classify(Request(host, "POST", "classify?batch=web", png, "image/png"), CancellationToken.None));
        var get = Answer(await functions.Classify(Request(host, "GET", "classify"), CancellationToken.None));

        Assert.Equal((HttpStatusCode.OK, ApiJson.ContentType), (answer.StatusCode, answer.Header("Content-Type")));
        Assert.NotEmpty(Json(answer).GetProperty("items").EnumerateArray());
        var uploaded = Json(answer).GetProperty("uploaded");
        Assert.Equal("web", uploaded.GetProperty("batch").GetString());
        Assert.Matches(@"^web/upload-\d{8}-\d{6}-[0-9a-f]{8}\.png$", uploaded.GetProperty("blobName").GetString());
        Assert.Equal("image/png", (await host.Faces.GetBlobClient(uploaded.GetProperty("blobName").GetString()).GetPropertiesAsync()).Value.ContentType);
        Assert.Equal((HttpStatusCode.MethodNotAllowed, ApiJson.ContentType), (get.StatusCode, get.Header("Content-Type")));
        Assert.Equal(ApiErrorCodes.MethodNotAllowed, Json(get).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Classify_refuses_a_repeated_batch_and_a_5000_character_boundary_in_json_and_uploads_nothing()
    {
        using var host = new FunctionHost(azurite);
        await PublishModelAsync(host);
        var functions = host.Create<HttpFunctions>();
        var png = TestImages.Png(48, 48, SKColors.Gray);
        var boundary = new string('b', 5000);
        byte[] form = [.. Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n"), .. png, .. Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n")];

        var repeated = Answer(await functions.Classify(Request(host, "POST", "classify?batch=a&batch=b", png, "image/png"), CancellationToken.None));
        var longBoundary = Answer(await functions.Classify(Request(host, "POST", "classify?batch=a", form, $"multipart/form-data; boundary={boundary}"), CancellationToken.None));

        Assert.Equal((HttpStatusCode.BadRequest, ApiJson.ContentType, ApiErrorCodes.BatchRepeated), (repeated.StatusCode, repeated.Header("Content-Type"), Json(repeated).GetProperty("code").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, ApiJson.ContentType, ApiErrorCodes.FormInvalid), (longBoundary.StatusCode, longBoundary.Header("Content-Type"), Json(longBoundary).GetProperty("code").GetString()));
        Assert.Empty(await host.Faces.GetBlobsAsync().ToListAsync()); // not "a,b/upload-..."
    }

    [Fact]
    public async Task Classify_over_the_request_budget_answers_503_server_busy_with_retry_after_and_json()
    {
        using var host = new FunctionHost(azurite, settings: new Dictionary<string, string?> { ["Fer:MaxRequestBytesInFlight"] = "1000" });
        var functions = host.Create<HttpFunctions>();
        using var holding = host.Get<RequestBudget>().TryReserve(1000); // other requests' bodies fill the budget
        var png = TestImages.Png(48, 48, SKColors.Gray);

        var busy = Answer(await functions.Classify(Request(host, "POST", "classify", png, "image/png"), CancellationToken.None));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, ApiJson.ContentType), (busy.StatusCode, busy.Header("Content-Type")));
        Assert.Equal(ApiErrorCodes.ServerBusy, Json(busy).GetProperty("code").GetString());
        Assert.Equal("5", busy.Header("Retry-After"));
    }

    [Fact]
    public async Task The_page_is_sent_with_its_content_security_policy_nosniff_and_no_framing()
    {
        using var host = new FunctionHost(azurite);

        var page = Answer(await HttpFunctions.Page(Request(host, "GET", WebPage.Route)));
        var script = Answer(await HttpFunctions.PageFile(Request(host, "GET", "ui/app.js"), "app.js"));

        foreach (var answer in new[] { page, script })
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("frame-ancestors 'none'", answer.Header("Content-Security-Policy"), StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", answer.Header("Content-Security-Policy"), StringComparison.Ordinal);
            Assert.Equal("nosniff", answer.Header("X-Content-Type-Options"));
            Assert.Equal("DENY", answer.Header("X-Frame-Options"));
        }
    }

    [Fact]
    public async Task Health_answers_json_once_a_model_serves_and_OpenApi_the_document()
    {
        using var host = new FunctionHost(azurite);
        await PublishModelAsync(host);
        var functions = host.Create<HttpFunctions>();
        var png = TestImages.Png(48, 48, SKColors.Gray);
        Assert.Equal(HttpStatusCode.OK, Answer(await functions.Classify(Request(host, "POST", "classify", png, "image/png"), CancellationToken.None)).StatusCode); // loads the model

        var health = Answer(await functions.Health(Request(host, "GET", "health")));
        var document = Answer(await HttpFunctions.OpenApi(Request(host, "GET", OpenApiDocument.Route)));

        Assert.Equal((HttpStatusCode.OK, ApiJson.ContentType), (health.StatusCode, health.Header("Content-Type")));
        Assert.Equal("healthy", Json(health).GetProperty("status").GetString());
        Assert.Equal((HttpStatusCode.OK, ApiJson.ContentType), (document.StatusCode, document.Header("Content-Type")));
        Assert.Equal(OpenApiDocument.Json, document.Content());
    }

    private async Task PublishModelAsync(FunctionHost host)
    {
        TestModels.Export(models, seed: 6);
        await host.Get<ModelStore>().PublishAsync(models, promote: true);
    }

    /// <summary>Small images in the batch, classified with a published test model: one row each.</summary>
    private async Task ClassifyAsync(FunctionHost host, string batch, int images)
    {
        await PublishModelAsync(host);
        for (var i = 0; i < images; i++)
        {
            await host.UploadAsync($"{batch}/{i}.png", TestImages.Png(20, 20, new SKColor((byte)(i * 50), 0, 0)));
        }

        await host.Get<Fer.Inference.Pipeline.BatchProcessor>().ProcessAsync(batch);
    }

    private static TestHttpRequestData Request(FunctionHost host, string method, string pathAndQuery, byte[]? body = null, string? contentType = null) =>
        TestHttpRequestData.Create(host.Get<IServiceProvider>(), method, pathAndQuery, body, contentType);

    private static TestHttpResponseData Answer(HttpResponseData response) => Assert.IsType<TestHttpResponseData>(response);

    private static IEnumerable<string> Rows(TestHttpResponseData page) =>
        Json(page).GetProperty("items").EnumerateArray().Select(item => $"{item.GetProperty("blobName").GetString()}#{item.GetProperty("face")}");

    private static JsonElement Json(TestHttpResponseData response) => JsonDocument.Parse(response.Content()).RootElement;
}
