using System.Net;
using System.Text.Json;
using Fer.Api;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary>The image route serves a row's image from its own batch only: no other batch, no dot segments, no non-image, no missing blob.</summary>
[Collection(AzuriteTests.Name)]
public sealed class BlobImageApiTests(Azurite azurite)
{
    [Fact]
    public async Task A_rows_image_is_served_with_its_content_type()
    {
        using var host = new FunctionHost(azurite);
        var png = Fer.Inference.Tests.TestImages.Png(20, 10, SKColors.Red);
        await host.UploadAsync("mine/people/one.png", png);
        await host.UploadAsync("loose.png", png);

        var answer = await host.Get<BlobImageApi>().ImageAsync("mine", "mine/people/one.png", CancellationToken.None);
        var rootBlob = await host.Get<BlobImageApi>().ImageAsync("default", "loose.png", CancellationToken.None);

        Assert.Equal((HttpStatusCode.OK, "image/png"), (answer.Status, answer.ContentType));
        Assert.Equal(png, answer.Content());
        Assert.Equal(HttpStatusCode.OK, rootBlob.Status); // a blob at the root belongs to the default batch
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("other/one.png")]
    [InlineData("mine/../other/one.png")]
    [InlineData("mine/./one.png")]
    [InlineData("mine//one.png")]
    [InlineData("mine/..\\other\\one.png")]
    [InlineData("mine/../../models/fer/current.json")]
    [InlineData("loose.png")]
    public async Task A_blob_outside_the_batch_is_a_400_and_nothing_is_read(string? blob)
    {
        using var host = new FunctionHost(azurite);
        await host.UploadAsync("other/one.png", Fer.Inference.Tests.TestImages.Png(4, 4, SKColors.Blue));

        var answer = await host.Get<BlobImageApi>().ImageAsync("mine", blob, CancellationToken.None);

        Assert.Equal((HttpStatusCode.BadRequest, ApiErrorCodes.BlobInvalid), (answer.Status, Code(answer)));
    }

    [Fact]
    public async Task A_missing_blob_is_a_404_and_a_stored_non_image_a_415()
    {
        using var host = new FunctionHost(azurite);
        await host.UploadAsync("mine/page.html", "<script>alert(1)</script>"u8.ToArray());

        var missing = await host.Get<BlobImageApi>().ImageAsync("mine", "mine/none.jpg", CancellationToken.None);
        var html = await host.Get<BlobImageApi>().ImageAsync("mine", "mine/page.html", CancellationToken.None);

        Assert.Equal((HttpStatusCode.NotFound, ApiErrorCodes.BlobNotFound), (missing.Status, Code(missing)));
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "image-unrecognised-format"), (html.Status, Code(html)));
    }

    private static string? Code(ApiResponse answer) => JsonDocument.Parse(answer.ToJson()).RootElement.GetProperty("code").GetString();
}
