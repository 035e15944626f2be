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

        var answer = await host.Get<ClassifyApi>().ClassifyAsync(new ClassifyRequest("POST", body.Length, "image/jpeg", body, null), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var json = Parse(answer);
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

        var answer = await host.Get<ClassifyApi>().ClassifyAsync(new ClassifyRequest("POST", null, null, body, "web"), CancellationToken.None);
        var uploaded = Parse(answer).GetProperty("uploaded");
        var blobName = uploaded.GetProperty("blobName").GetString()!;
        var blob = host.Faces.GetBlobClient(blobName);
        await host.Create<ClassifyFaceFunction>().Run(blob, blob.Name, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
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

        var answer = await host.Get<ClassifyApi>().ClassifyAsync(new ClassifyRequest("POST", body.Length, form.Headers.ContentType!.ToString(), body, null), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal([0, 1, 2, 3], Parse(answer).GetProperty("items").EnumerateArray().Select(f => f.GetProperty("face").GetInt32()));
        await AssertNothingWrittenAsync(host);
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests => new()
    {
        { "wrong method", "GET", HttpStatusCode.MethodNotAllowed, ApiErrorCodes.MethodNotAllowed },
        { "no body", "POST", HttpStatusCode.BadRequest, ImageErrorCodes.Empty },
        { "text", "POST", HttpStatusCode.UnsupportedMediaType, ImageErrorCodes.NotAnImage },
        { "form without a file", "POST", HttpStatusCode.BadRequest, ApiErrorCodes.FormInvalid },
        { "form without a boundary", "POST", HttpStatusCode.BadRequest, ApiErrorCodes.FormInvalid },
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
            "truncated" => (photo[..(photo.Length / 3)], photo.Length / 3, "image/jpeg"),
            "pixel bomb" => (Fer.Inference.Tests.TestImages.PngClaiming(100_000, 100_000), null, "image/png"),
            "declared over the limit" => (photo, limit + 1, "image/jpeg"),
            "chunked over the limit" => (new byte[limit + 1_000_000], null, "image/jpeg"),
            _ => (photo, photo.Length, "image/jpeg"),
        };
        await using var body = new CountingStream(request.Content);

        var answer = await host.Get<ClassifyApi>().ClassifyAsync(new ClassifyRequest(method, request.Length, request.Type, body, "web"), CancellationToken.None);

        Assert.Equal(status, answer.Status);
        var json = Parse(answer);
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error").GetString()));
        Assert.True(body.BytesRead <= limit + 1, $"read {body.BytesRead:N0} bytes of a body over the limit");
        Assert.True(input != "declared over the limit" || body.BytesRead == 0, "a Content-Length over the limit is refused before reading");
        await AssertNothingWrittenAsync(host);
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

        var answer = await host.Get<ClassifyApi>().ClassifyAsync(new ClassifyRequest("POST", body.Length, "image/jpeg", body, batch), CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(ApiErrorCodes.BatchInvalid, Parse(answer).GetProperty("code").GetString());
        await AssertNothingWrittenAsync(host);
    }

    [Fact]
    public async Task Without_a_model_classify_answers_503_and_writes_nothing()
    {
        using var host = new FunctionHost(azurite, faceFinding: "detect");
        await using var body = File.OpenRead(Photo);

        var answer = await host.Get<ClassifyApi>().ClassifyAsync(new ClassifyRequest("POST", body.Length, "image/jpeg", body, "web"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal(ApiErrorCodes.ModelUnavailable, Parse(answer).GetProperty("code").GetString());
        await AssertNothingWrittenAsync(host);
    }

    private async Task<FunctionHost> DemoHostAsync()
    {
        var host = new FunctionHost(azurite, faceFinding: "detect");
        await host.Get<ModelStore>().PublishAsync(Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo"), promote: true);
        return host;
    }

    private static async Task AssertNothingWrittenAsync(FunctionHost host)
    {
        Assert.Empty(await host.Faces.GetBlobsAsync().ToListAsync());
        Assert.Empty(await host.Get<ResultsStore>().Table.QueryAsync<Azure.Data.Tables.TableEntity>().ToListAsync());
    }

    private static JsonElement Parse(ApiResponse answer) => JsonDocument.Parse(answer.ToJson()).RootElement;

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
