using System.Net;
using System.Text;
using System.Text.Json;
using Fer.Api;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.AspNetCore.Http;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary>
/// The functions in HttpFunctions, on ASP.NET Core's request and response as the worker's ASP.NET Core integration
/// hands them over (<see cref="TestHttp"/>): what they take from the request (method, route, headers, query, body) and
/// write to the response once their result is executed (status, content type, headers, body).
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
        var pages = new List<TestAnswer>();
        string? token = null;
        do
        {
            var request = Request(host, "GET", "batches/paged/results?pageSize=2");
            if (token is not null)
            {
                request.Headers[ContinuationHeader.Name] = token;
            }

            var page = await AnswerAsync(HttpFunctions.Results, request);
            token = page.Header(ContinuationHeader.Name);
            pages.Add(page);
        }
        while (token is not null && pages.Count < 10);
        var all = await AnswerAsync(HttpFunctions.Results, Request(host, "GET", "batches/paged/results?pageSize=10"));

        Assert.Equal([2, 2, 1], pages.Select(page => Rows(page).Count()));
        Assert.All(pages, page => Assert.Equal((HttpStatusCode.OK, ApiResults.JsonContentType), (page.StatusCode, page.Header("Content-Type"))));
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
        var token = (await AnswerAsync(HttpFunctions.Results, Request(host, "GET", "batches/queried/results?pageSize=1"))).Header(ContinuationHeader.Name);

        var refused = await AnswerAsync(HttpFunctions.Results, Request(host, "GET", $"batches/queried/results?pageSize=1&continuationToken={Uri.EscapeDataString(token!)}"));

        Assert.Equal((HttpStatusCode.BadRequest, ApiResults.JsonContentType), (refused.StatusCode, refused.Header("Content-Type")));
        Assert.Equal(ApiErrorCodes.ContinuationTokenInQuery, Json(refused).GetProperty("code").GetString());
        Assert.Null(refused.Header(ContinuationHeader.Name));
    }

    [Fact]
    public async Task BlobImage_serves_the_posted_blob_name_and_answers_any_other_method_with_a_json_405()
    {
        using var host = new FunctionHost(azurite);
        var png = TestImages.Png(20, 10, SKColors.Red);
        await host.UploadAsync("mine/x.png", png);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { blob = "mine/x.png" });

        var image = await AnswerAsync(HttpFunctions.BlobImage, Request(host, "POST", "batches/mine/image", body, "application/json"));
        var get = await AnswerAsync(HttpFunctions.BlobImage, Request(host, "GET", "batches/mine/image"));

        Assert.Equal((HttpStatusCode.OK, "image/png"), (image.StatusCode, image.Header("Content-Type")));
        Assert.Equal(png, image.Content);
        Assert.Equal((HttpStatusCode.MethodNotAllowed, ApiResults.JsonContentType), (get.StatusCode, get.Header("Content-Type")));
        Assert.Equal(ApiErrorCodes.MethodNotAllowed, Json(get).GetProperty("code").GetString());
    }

    [Fact]
    public async Task BlobImage_passes_the_declared_content_length_so_a_body_declared_too_large_is_refused_unread()
    {
        using var host = new FunctionHost(azurite);
        var request = Request(host, "POST", "batches/mine/image", Encoding.UTF8.GetBytes($"{{\"blob\": \"mine/x.png\"{new string(' ', 9 * 1024)}}}"));

        var answer = await AnswerAsync(HttpFunctions.BlobImage, request);

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, ApiErrorCodes.BodyTooLarge), (answer.StatusCode, Json(answer).GetProperty("code").GetString()));
        Assert.Equal(0, request.Body.Position); // refused on the header alone: the adapter passed Content-Length
    }

    [Fact]
    public async Task Classify_answers_a_posted_image_with_its_faces_uploads_to_the_query_batch_and_answers_get_with_a_json_405()
    {
        using var host = new FunctionHost(azurite);
        await PublishModelAsync(host);
        var png = TestImages.Png(48, 48, new SKColor(200, 160, 140));

        var answer = await AnswerAsync(HttpFunctions.Classify, Request(host, "POST", "classify?batch=web", png, "image/png"));
        var get = await AnswerAsync(HttpFunctions.Classify, Request(host, "GET", "classify"));

        Assert.Equal((HttpStatusCode.OK, ApiResults.JsonContentType), (answer.StatusCode, answer.Header("Content-Type")));
        Assert.NotEmpty(Json(answer).GetProperty("items").EnumerateArray());
        var uploaded = Json(answer).GetProperty("uploaded");
        Assert.Equal("web", uploaded.GetProperty("batch").GetString());
        Assert.Matches(@"^web/upload-\d{8}-\d{6}-[0-9a-f]{8}\.png$", uploaded.GetProperty("blobName").GetString());
        Assert.Equal("image/png", (await host.Faces.GetBlobClient(uploaded.GetProperty("blobName").GetString()).GetPropertiesAsync()).Value.ContentType);
        Assert.Equal((HttpStatusCode.MethodNotAllowed, ApiResults.JsonContentType), (get.StatusCode, get.Header("Content-Type")));
        Assert.Equal(ApiErrorCodes.MethodNotAllowed, Json(get).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Classify_refuses_a_repeated_batch_and_a_5000_character_boundary_in_json_and_uploads_nothing()
    {
        using var host = new FunctionHost(azurite);
        await PublishModelAsync(host);
        var png = TestImages.Png(48, 48, SKColors.Gray);
        var boundary = new string('b', 5000);
        byte[] form = [.. Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n"), .. png, .. Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n")];

        var repeated = await AnswerAsync(HttpFunctions.Classify, Request(host, "POST", "classify?batch=a&batch=b", png, "image/png"));
        var longBoundary = await AnswerAsync(HttpFunctions.Classify, Request(host, "POST", "classify?batch=a", form, $"multipart/form-data; boundary={boundary}"));

        Assert.Equal((HttpStatusCode.BadRequest, ApiResults.JsonContentType, ApiErrorCodes.BatchRepeated), (repeated.StatusCode, repeated.Header("Content-Type"), Json(repeated).GetProperty("code").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, ApiResults.JsonContentType, ApiErrorCodes.FormInvalid), (longBoundary.StatusCode, longBoundary.Header("Content-Type"), Json(longBoundary).GetProperty("code").GetString()));
        Assert.Empty(await host.Faces.GetBlobsAsync().ToListAsync()); // not "a,b/upload-..."
    }

    [Fact]
    public async Task Classify_over_the_request_budget_answers_503_server_busy_with_retry_after_and_json()
    {
        using var host = new FunctionHost(azurite, settings: new Dictionary<string, string?> { ["Fer:MaxRequestBytesInFlight"] = "1000" });
        using var holding = host.Get<RequestBudget>().TryReserve(1000); // other requests' bodies fill the budget
        var png = TestImages.Png(48, 48, SKColors.Gray);

        var busy = await AnswerAsync(HttpFunctions.Classify, Request(host, "POST", "classify", png, "image/png"));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, ApiResults.JsonContentType), (busy.StatusCode, busy.Header("Content-Type")));
        Assert.Equal(ApiErrorCodes.ServerBusy, Json(busy).GetProperty("code").GetString());
        Assert.Equal("5", busy.Header("Retry-After"));
    }

    [Fact]
    public async Task The_page_is_sent_with_its_content_security_policy_nosniff_and_no_framing()
    {
        using var host = new FunctionHost(azurite);

        var page = await AnswerAsync(HttpFunctions.WebPage, Request(host, "GET", ApiRoutes.WebPageTemplate));
        var script = await AnswerAsync(HttpFunctions.WebPageFile, Request(host, "GET", "ui/app.js"));

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
        var png = TestImages.Png(48, 48, SKColors.Gray);
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(HttpFunctions.Classify, Request(host, "POST", "classify", png, "image/png"))).StatusCode); // loads the model

        var health = await AnswerAsync(HttpFunctions.Health, Request(host, "GET", "health"));
        var document = await AnswerAsync(HttpFunctions.OpenApi, Request(host, "GET", ApiRoutes.OpenApiTemplate));

        Assert.Equal((HttpStatusCode.OK, ApiResults.JsonContentType), (health.StatusCode, health.Header("Content-Type")));
        Assert.Equal("healthy", Json(health).GetProperty("status").GetString());
        Assert.Equal((HttpStatusCode.OK, ApiResults.JsonContentType), (document.StatusCode, document.Header("Content-Type")));
        Assert.Equal(OpenApiDocument.Json, document.Content);
    }

    [Fact]
    public async Task A_reclassify_run_whose_chunks_cannot_be_queued_is_a_503_that_leaves_the_batch_free_to_start_again()
    {
        using var host = new FunctionHost(azurite);
        await PublishModelAsync(host);
        await host.UploadAsync("unqueued/0.png", TestImages.Png(12, 12, SKColors.Gray));
        var queue = host.Get<Fer.Inference.Reclassification.ReclassifyMessages>().Client;
        await queue.DeleteIfExistsAsync(); // as a storage outage that lost it leaves it

        var refused = await AnswerAsync(HttpFunctions.Reclassify, Request(host, "POST", "batches/unqueued/reclassify"));
        var status = await AnswerAsync(HttpFunctions.ReclassifyStatus, Request(host, "GET", "batches/unqueued/reclassify/status"));
        await queue.CreateIfNotExistsAsync();
        var started = await AnswerAsync(HttpFunctions.Reclassify, Request(host, "POST", "batches/unqueued/reclassify"));
        await queue.ClearMessagesAsync();

        Assert.Equal((HttpStatusCode.ServiceUnavailable, ApiErrorCodes.StorageUnavailable, "5"), (refused.StatusCode, Json(refused).GetProperty("code").GetString(), refused.Header("Retry-After")));
        Assert.Equal((HttpStatusCode.NotFound, ApiErrorCodes.ReclassifyNotFound), (status.StatusCode, Json(status).GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
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

    private static HttpRequest Request(FunctionHost host, string method, string pathAndQuery, byte[]? body = null, string? contentType = null) =>
        TestHttp.Request(host.Get<IServiceProvider>(), method, pathAndQuery, body, contentType);

    /// <summary>The function's answer to <paramref name="request"/>, executed as the worker executes it.</summary>
    private static async Task<TestAnswer> AnswerAsync(Func<HttpRequest, Task<IResult>> function, HttpRequest request) =>
        await (await function(request)).AnswerAsync(request);

    private static IEnumerable<string> Rows(TestAnswer page) =>
        Json(page).GetProperty("items").EnumerateArray().Select(item => $"{item.GetProperty("blobName").GetString()}#{item.GetProperty("face")}");

    private static JsonElement Json(TestAnswer response) => response.Json();
}
