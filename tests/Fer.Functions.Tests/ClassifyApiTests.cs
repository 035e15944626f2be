using System.Net;
using System.Text.Json;
using Fer.Api;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Preprocessing;
using Fer.Inference.Storage;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary>POST /api/classify through its handler, with the real face detector and demo model over Azurite.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ClassifyApiTests(Azurite azurite)
{
    private static readonly string Photo = Path.Combine(FaceApiReference.RepositoryRoot, "..", "shared", "photos", "obama_family.jpg");

    [Fact]
    public async Task Classify_answers_the_four_faces_of_a_family_photo_and_stores_nothing()
    {
        using var host = await DemoHostAsync();
        await using var body = File.OpenRead(Photo);

        var answer = await ClassifyAsync(host, "POST", body, body.Length, "image/jpeg", null);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var json = answer.Json();
        var items = json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3], items.Select(f => f.GetProperty("face").GetInt32()));
        Assert.All(items, f => Assert.Equal(4, f.GetProperty("faceCount").GetInt32()));
        Assert.All(items, f => Assert.InRange(f.GetProperty("box").GetProperty("width").GetInt32(), 40, 400));
        Assert.All(items, f => Assert.Contains(f.GetProperty("emotion").GetString(), EmotionLabels.Canonical));
        Assert.All(items, f => Assert.Equal(7, f.GetProperty("scores").EnumerateObject().Count()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("uploaded").ValueKind);
        await AssertNothingWrittenAsync(host);
    }

    [Fact]
    public async Task Classify_with_a_batch_uploads_the_image_there_and_the_blob_trigger_writes_its_rows()
    {
        using var host = await DemoHostAsync();
        await using var body = File.OpenRead(Photo);

        var answer = await ClassifyAsync(host, "POST", body, null, null, "web");
        var uploaded = answer.Json().GetProperty("uploaded");
        var blobName = uploaded.GetProperty("blobName").GetString()!;
        var blob = host.Faces.GetBlobClient(blobName);
        await host.Create<ClassifyFaceFunction>().Run(blob, blob.Name, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal((host.Faces.Name, "web"), (uploaded.GetProperty("container").GetString(), uploaded.GetProperty("batch").GetString()));
        Assert.Matches(@"^web/upload-\d{8}-\d{6}-[0-9a-f]{8}\.jpg$", blobName);
        Assert.Equal("image/jpeg", (await blob.GetPropertiesAsync()).Value.ContentType);
        var rows = (await host.Get<ResultsStore>().QueryAsync("web", null, null, 100, null)).Rows;
        Assert.Equal([0, 1, 2, 3], rows.Select(r => r.FaceIndex ?? -1).Order());
        Assert.All(rows, r => Assert.Equal(ClassificationStatus.Classified, r.Status));
    }

    [Fact]
    public async Task Classify_takes_the_image_from_a_form_as_curl_F_sends_it()
    {
        using var host = await DemoHostAsync();
        using var form = new MultipartFormDataContent { { new StringContent("a note"), "note" }, { new ByteArrayContent(await File.ReadAllBytesAsync(Photo)), "image", "obama_family.jpg" } };
        await using var body = await form.ReadAsStreamAsync();

        var answer = await ClassifyAsync(host, "POST", body, body.Length, form.Headers.ContentType!.ToString(), null);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal([0, 1, 2, 3], answer.Json().GetProperty("items").EnumerateArray().Select(f => f.GetProperty("face").GetInt32()));
        await AssertNothingWrittenAsync(host);
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests => new()
    {
        { "wrong method", "GET", HttpStatusCode.MethodNotAllowed, ApiErrorCodes.MethodNotAllowed },
        { "no body", "POST", HttpStatusCode.BadRequest, ImageErrorCodes.Empty },
        { "text", "POST", HttpStatusCode.UnsupportedMediaType, ImageErrorCodes.NotAnImage },
        { "form without a file", "POST", HttpStatusCode.BadRequest, ApiErrorCodes.FormInvalid },
        { "form without a boundary", "POST", HttpStatusCode.BadRequest, ApiErrorCodes.FormInvalid },
        { "form with a 5,000-character boundary", "POST", HttpStatusCode.BadRequest, ApiErrorCodes.FormInvalid },
        { "form cut short", "POST", HttpStatusCode.BadRequest, ApiErrorCodes.FormInvalid },
        { "truncated", "POST", HttpStatusCode.BadRequest, ImageErrorCodes.Corrupt },
        { "pixel bomb", "POST", HttpStatusCode.RequestEntityTooLarge, ImageErrorCodes.TooManyPixels },
        { "declared over the limit", "POST", HttpStatusCode.RequestEntityTooLarge, ImageErrorCodes.TooLarge },
        { "chunked over the limit", "POST", HttpStatusCode.RequestEntityTooLarge, ImageErrorCodes.TooLarge },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_its_status_and_the_blob_paths_error_code_and_nothing_is_written(string input, string method, HttpStatusCode status, string code)
    {
        using var host = await DemoHostAsync();
        var limit = host.Get<Microsoft.Extensions.Options.IOptions<FerOptions>>().Value.MaxImageBytes;
        var photo = await File.ReadAllBytesAsync(Photo);
        (byte[] Content, long? Length, string? Type) request = input switch
        {
            "no body" => ([], 0, null),
            "text" => ("hello, this is not an image"u8.ToArray(), null, "text/plain"),
            "form without a file" => ("--x\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--x--\r\n"u8.ToArray(), null, "multipart/form-data; boundary=x"),
            "form without a boundary" => (photo, photo.Length, "multipart/form-data"),
            "form with a 5,000-character boundary" => (Form(new string('b', 5000), photo), null, $"multipart/form-data; boundary={new string('b', 5000)}"),
            "form cut short" => (Form("x", photo)[..(photo.Length / 2)], null, "multipart/form-data; boundary=x"),
            "truncated" => (photo[..(photo.Length / 3)], photo.Length / 3, "image/jpeg"),
            "pixel bomb" => (TestImages.PngClaiming(100_000, 100_000), null, "image/png"),
            "declared over the limit" => (photo, limit + 1, "image/jpeg"),
            "chunked over the limit" => (new byte[limit + 1_000_000], null, "image/jpeg"),
            _ => (photo, photo.Length, "image/jpeg"),
        };
        await using var body = new CountingStream(request.Content);

        var answer = await ClassifyAsync(host, method, body, request.Length, request.Type, "web");

        Assert.Equal(status, answer.StatusCode);
        var json = answer.Json();
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error").GetString()));
        Assert.True(body.BytesRead <= limit + 1, $"read {body.BytesRead:N0} bytes of a body over the limit");
        Assert.True(input != "declared over the limit" || body.BytesRead == 0, "a Content-Length over the limit is refused before reading");
        await AssertNothingWrittenAsync(host);
    }

    [Fact]
    public async Task A_form_the_parser_cannot_read_is_answered_with_a_fixed_sentence_not_the_parsers_text()
    {
        using var host = await DemoHostAsync();
        var photo = await File.ReadAllBytesAsync(Photo);
        await using var body = new MemoryStream(Form("x", photo)[..(photo.Length / 2)]);

        var answer = await ClassifyAsync(host, "POST", body, null, "multipart/form-data; boundary=x", null);

        Assert.Equal((HttpStatusCode.BadRequest, ApiErrorCodes.FormInvalid), (answer.StatusCode, answer.Json().GetProperty("code").GetString()));
        Assert.Equal("The form cannot be read: it is truncated or not multipart/form-data with that boundary.", answer.Json().GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_body_that_does_not_fit_the_request_budget_is_answered_503_with_retry_after_unread_and_the_budget_frees_when_answered()
    {
        var photo = await File.ReadAllBytesAsync(Photo);
        var large = await File.ReadAllBytesAsync(Path.Combine(Path.GetDirectoryName(Photo)!, "biden_7mpx.jpg"));
        using var host = await DemoHostAsync(new Dictionary<string, string?> { ["Fer:MaxRequestBytesInFlight"] = (photo.Length + 100_000).ToString(System.Globalization.CultureInfo.InvariantCulture) });

        // One request admitted by its Content-Length, its body held back: its bytes are in flight until it is answered.
        await using var held = new HeldStream(photo);
        var first = ClassifyAsync(host, "POST", held, photo.Length, "image/jpeg", "web");
        await held.Reading;
        await using var declared = new CountingStream(large);
        var byLength = await ClassifyAsync(host, "POST", declared, large.Length, "image/jpeg", "web");
        await using var chunked = new CountingStream(large);
        var whileRead = await ClassifyAsync(host, "POST", chunked, null, "image/jpeg", "web");
        var busyBlobs = await host.Faces.GetBlobsAsync().ToListAsync();
        held.Release();
        var answered = await first;
        await using var again = new MemoryStream(photo);
        var afterwards = await ClassifyAsync(host, "POST", again, photo.Length, "image/jpeg", null);

        foreach (var busy in new[] { byLength, whileRead })
        {
            Assert.Equal((HttpStatusCode.ServiceUnavailable, ApiErrorCodes.ServerBusy), (busy.StatusCode, busy.Json().GetProperty("code").GetString()));
            Assert.Equal(RequestBudget.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), busy.Header("Retry-After"));
        }

        Assert.Equal(0, declared.BytesRead); // refused on its Content-Length, unread
        Assert.InRange(chunked.BytesRead, 1, large.Length - 1); // counted while read, refused before its end
        Assert.Empty(busyBlobs); // nothing written for the refused two (the first was still reading)
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
        Assert.Equal(0, host.Get<RequestBudget>().InFlightBytes);
    }

    [Fact]
    public async Task A_model_that_cannot_be_served_is_a_503_on_classify_and_reclassify_whose_sentence_does_not_carry_the_reason()
    {
        using var host = new FunctionHost(azurite, faceFinding: "detect");
        var models = host.Get<ModelStore>();
        await models.Container.CreateIfNotExistsAsync();
        await models.Container.GetBlobClient(ModelStore.PointerBlob).UploadAsync(BinaryData.FromString("{\"version\": \"../secret-path-in-the-reason\"}"), overwrite: true);
        await using var body = File.OpenRead(Photo);

        var classify = await ClassifyAsync(host, "POST", body, body.Length, "image/jpeg", null);
        var reclassifyRequest = TestHttp.Request(host.Get<IServiceProvider>(), "POST", "batches/web/reclassify");
        var reclassify = await (await host.Get<ReclassifyApi>().StartAsync("web", CancellationToken.None)).AnswerAsync(reclassifyRequest);

        foreach (var answer in new[] { classify, reclassify })
        {
            Assert.Equal((HttpStatusCode.ServiceUnavailable, ApiErrorCodes.ModelUnavailable), (answer.StatusCode, answer.Json().GetProperty("code").GetString()));
            Assert.DoesNotContain("secret-path-in-the-reason", answer.Json().GetProperty("error").GetString(), StringComparison.Ordinal); // the log has it
            Assert.DoesNotContain(models.Container.Name, answer.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("ends.")]
    public async Task A_batch_name_that_is_not_one_folder_is_refused_before_anything_is_written(string batch)
    {
        using var host = await DemoHostAsync();
        await using var body = File.OpenRead(Photo);

        var answer = await ClassifyAsync(host, "POST", body, body.Length, "image/jpeg", batch);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(ApiErrorCodes.BatchInvalid, answer.Json().GetProperty("code").GetString());
        await AssertNothingWrittenAsync(host);
    }

    [Fact]
    public async Task Without_a_model_classify_answers_503_and_writes_nothing()
    {
        using var host = new FunctionHost(azurite, faceFinding: "detect");
        await using var body = File.OpenRead(Photo);

        var answer = await ClassifyAsync(host, "POST", body, body.Length, "image/jpeg", "web");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal(ApiErrorCodes.ModelUnavailable, answer.Json().GetProperty("code").GetString());
        await AssertNothingWrittenAsync(host);
    }

    private async Task<FunctionHost> DemoHostAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = new FunctionHost(azurite, faceFinding: "detect", settings);
        await host.Get<ModelStore>().PublishAsync(Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo"), promote: true);
        return host;
    }

    private static async Task AssertNothingWrittenAsync(FunctionHost host)
    {
        Assert.Empty(await host.Faces.GetBlobsAsync().ToListAsync());
        Assert.Empty(await host.Get<ResultsStore>().Table.QueryAsync<Azure.Data.Tables.TableEntity>().ToListAsync());
    }

    /// <summary>The classify route's answer, executed, to a request with this method, body, Content-Length (null: chunked), type and <c>?batch=</c>.</summary>
    private static async Task<TestAnswer> ClassifyAsync(FunctionHost host, string method, Stream body, long? contentLength, string? contentType, string? batch)
    {
        var request = TestHttp.Request(host.Get<IServiceProvider>(), method, batch is null ? "classify" : $"classify?batch={Uri.EscapeDataString(batch)}", body, contentLength, contentType);
        return await (await host.Get<ClassifyApi>().ClassifyAsync(request)).AnswerAsync(request);
    }

    /// <summary>A multipart/form-data body with one file field.</summary>
    private static byte[] Form(string boundary, byte[] file) =>
        [.. System.Text.Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n\r\n"), .. file, .. System.Text.Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n")];

    /// <summary>A request body that gives nothing until <see cref="Release"/>: its request holds its admission meanwhile.</summary>
    private sealed class HeldStream(byte[] content) : MemoryStream(content, writable: false)
    {
        private readonly TaskCompletionSource reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the handler first reads: it has been admitted by then.</summary>
        public Task Reading => reading.Task;

        public void Release() => released.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            reading.TrySetResult();
            await released.Task.WaitAsync(cancellationToken);
            return await base.ReadAsync(buffer, cancellationToken);
        }
    }

    /// <summary>A request body that counts what the handler read of it.</summary>
    private sealed class CountingStream(byte[] content) : MemoryStream(content, writable: false)
    {
        public long BytesRead { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            BytesRead += read;
            return read;
        }
    }
}
