using System.Net;
using System.Text;
using System.Text.Json;
using Fer.Api;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary>
/// The image route serves a row's image from its own batch only: no other batch, no dot segments, no non-image, no
/// missing blob. The name comes in a POST body (never the URL, which hosts log): any other method or body is refused.
/// </summary>
[Collection(AzuriteTests.Name)]
public sealed class BlobImageApiTests(Azurite azurite)
{
    [Fact]
    public async Task A_rows_image_is_served_with_its_content_type()
    {
        using var host = new FunctionHost(azurite);
        var png = TestImages.Png(20, 10, SKColors.Red);
        await host.UploadAsync("mine/people/one.png", png);
        await host.UploadAsync("loose.png", png);

        var answer = await Post(host, "mine", "mine/people/one.png");
        var rootBlob = await Post(host, "default", "loose.png");

        Assert.Equal((HttpStatusCode.OK, "image/png"), (answer.StatusCode, answer.Header("Content-Type")));
        Assert.Equal(png, answer.Content);
        Assert.Equal(HttpStatusCode.OK, rootBlob.StatusCode); // a blob at the root belongs to the default batch
    }

    [Theory]
    [InlineData("")]
    [InlineData("other/one.png")]
    [InlineData("mine/../other/one.png")]
    [InlineData("mine/./one.png")]
    [InlineData("mine//one.png")]
    [InlineData("mine/..\\other\\one.png")]
    [InlineData("mine/../../models/fer/current.json")]
    [InlineData("loose.png")]
    public async Task A_blob_outside_the_batch_is_a_400_and_nothing_is_read(string blob)
    {
        using var host = new FunctionHost(azurite);
        await host.UploadAsync("other/one.png", TestImages.Png(4, 4, SKColors.Blue));

        var answer = await Post(host, "mine", blob);

        Assert.Equal((HttpStatusCode.BadRequest, ApiErrorCodes.BlobInvalid), (answer.StatusCode, Code(answer)));
    }

    [Fact]
    public async Task A_missing_blob_is_a_404_and_a_stored_non_image_a_415()
    {
        using var host = new FunctionHost(azurite);
        await host.UploadAsync("mine/page.html", "<script>alert(1)</script>"u8.ToArray());

        var missing = await Post(host, "mine", "mine/none.jpg");
        var html = await Post(host, "mine", "mine/page.html");

        Assert.Equal((HttpStatusCode.NotFound, ApiErrorCodes.BlobNotFound), (missing.StatusCode, Code(missing)));
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "image-unrecognised-format"), (html.StatusCode, Code(html)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("mine/one.png")]
    [InlineData("blob=mine/one.png")]
    [InlineData("[\"mine/one.png\"]")]
    [InlineData("{}")]
    [InlineData("{\"Blob\": \"mine/one.png\"}")]
    [InlineData("{\"blob\": null}")]
    [InlineData("{\"blob\": 5}")]
    [InlineData("{\"blob\": [\"mine/one.png\"]}")]
    [InlineData("{\"blob\": \"mine/one.png\"")]
    public async Task A_body_that_is_not_a_json_object_with_a_string_blob_is_a_400_body_invalid(string body)
    {
        using var host = new FunctionHost(azurite);
        await host.UploadAsync("mine/one.png", TestImages.Png(4, 4, SKColors.Blue));

        var answer = await Send(host, "mine", "POST", Encoding.UTF8.GetBytes(body));

        Assert.Equal((HttpStatusCode.BadRequest, ApiErrorCodes.BodyInvalid), (answer.StatusCode, Code(answer)));
        Assert.Contains("{\"blob\": \"NAME\"}", Message(answer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_of_invalid_utf8_is_a_400_body_invalid()
    {
        using var host = new FunctionHost(azurite);

        var answer = await Send(host, "mine", "POST", [.. "{\"blob\": \"mine/"u8, 0xff, .. ".png\"}"u8]);

        Assert.Equal((HttpStatusCode.BadRequest, ApiErrorCodes.BodyInvalid), (answer.StatusCode, Code(answer)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_8_KB_is_a_413_whether_its_length_is_declared_or_not(bool declared)
    {
        using var host = new FunctionHost(azurite);
        var padded = Encoding.UTF8.GetBytes($"{{\"blob\": \"mine/one.png\"{new string(' ', 8 * 1024)}}}");
        var longest = Encoding.UTF8.GetBytes($"{{\"blob\": \"mine/{string.Concat(Enumerable.Repeat("\\u00e9", 1019))}\"}}"); // 1,024 characters, all but mine/ \u-escaped
        using var stream = new MemoryStream(padded);

        var answer = await SendAsync(host, "mine", "POST", stream, declared ? padded.Length : null);
        var longestName = await Send(host, "mine", "POST", longest);

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, ApiErrorCodes.BodyTooLarge), (answer.StatusCode, Code(answer)));
        Assert.Equal(declared ? 0 : 8 * 1024 + 1, stream.Position); // a declared length over the limit is refused unread, any other read no further than the limit and a byte
        Assert.Equal((HttpStatusCode.NotFound, ApiErrorCodes.BlobNotFound), (longestName.StatusCode, Code(longestName))); // the longest legal name, every character \u-escaped, fits
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Any_method_but_post_is_a_405_that_says_to_post_the_name(string method)
    {
        using var host = new FunctionHost(azurite);
        await host.UploadAsync("mine/one.png", TestImages.Png(4, 4, SKColors.Blue));

        var answer = await Send(host, "mine", method, Body("mine/one.png"));

        Assert.Equal((HttpStatusCode.MethodNotAllowed, ApiErrorCodes.MethodNotAllowed), (answer.StatusCode, Code(answer)));
        Assert.Contains("POST with {\"blob\": \"NAME\"}", Message(answer), StringComparison.Ordinal);
    }

    private static Task<TestAnswer> Post(FunctionHost host, string batch, string blob) => Send(host, batch, "POST", Body(blob));

    private static byte[] Body(string blob) => JsonSerializer.SerializeToUtf8Bytes(new { blob });

    private static async Task<TestAnswer> Send(FunctionHost host, string batch, string method, byte[] body)
    {
        using var stream = new MemoryStream(body);
        return await SendAsync(host, batch, method, stream, body.Length);
    }

    /// <summary>The route's answer, executed, to <paramref name="body"/> with <paramref name="contentLength"/> (null: chunked).</summary>
    private static async Task<TestAnswer> SendAsync(FunctionHost host, string batch, string method, Stream body, long? contentLength)
    {
        var request = TestHttp.Request(host.Get<IServiceProvider>(), method, $"batches/{batch}/image", body, contentLength, "application/json");
        return await (await host.Get<BlobImageApi>().ImageAsync(request, batch)).AnswerAsync(request);
    }

    private static string? Code(TestAnswer answer) => answer.Json().GetProperty("code").GetString();

    private static string Message(TestAnswer answer) => answer.Json().GetProperty("error").GetString()!;
}
