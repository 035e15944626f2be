using System.Net;
using System.Text.Json;
using Fer.Api;
using Fer.Inference.Storage;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary>The results route's refusals: page sizes out of range, and continuation tokens it did not issue for the batch and filters.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ResultsApiTests(Azurite azurite) : IDisposable
{
    private readonly string models = Path.Combine(Path.GetTempPath(), "fer-results-models-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(models))
        {
            Directory.Delete(models, recursive: true);
        }
    }

    [Theory]
    [InlineData("10000")]
    [InlineData("-1")]
    public async Task A_page_size_outside_1_to_1000_is_a_400_with_a_code(string pageSize)
    {
        using var host = new FunctionHost(azurite);

        var answer = await host.Get<ResultsApi>().ResultsAsync("any", null, null, pageSize, null, CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("page-size-invalid", Parse(answer).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Only_the_continuation_token_issued_for_the_batch_is_taken()
    {
        using var host = new FunctionHost(azurite);
        TestModels.Export(models, seed: 6);
        await host.Get<ModelStore>().PublishAsync(models, promote: true);
        foreach (var batch in new[] { "paged", "other" })
        {
            for (var i = 0; i < 3; i++)
            {
                await host.UploadAsync($"{batch}/{i}.png", Fer.Inference.Tests.TestImages.Png(20, 20, new SKColor((byte)(i * 60), 0, 0)));
            }
        }

        var api = host.Get<ResultsApi>();
        await host.Get<Fer.Inference.Pipeline.BatchProcessor>().ProcessAsync("paged");
        await host.Get<Fer.Inference.Pipeline.BatchProcessor>().ProcessAsync("other");
        var first = Parse(await api.ResultsAsync("paged", null, null, "1", null, CancellationToken.None));
        var token = first.GetProperty("continuationToken").GetString()!;
        var otherBatchToken = Parse(await api.ResultsAsync("other", null, null, "1", null, CancellationToken.None)).GetProperty("continuationToken").GetString()!;
        var second = await api.ResultsAsync("paged", null, null, "1", token, CancellationToken.None);
        var changed = token[..5] + (token[5] == 'A' ? 'B' : 'A') + token[6..];
        var refused = new[]
        {
            await api.ResultsAsync("paged", null, null, "1", changed, CancellationToken.None),
            await api.ResultsAsync("paged", null, null, "1", "garbage", CancellationToken.None),
            await api.ResultsAsync("paged", null, null, "1", otherBatchToken, CancellationToken.None),
            await api.ResultsAsync("paged", "Happiness", null, "1", token, CancellationToken.None),
        };

        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.NotEqual(first.GetProperty("items")[0].GetProperty("blobName").GetString(), Parse(second).GetProperty("items")[0].GetProperty("blobName").GetString());
        Assert.All(refused, answer => Assert.Equal((HttpStatusCode.BadRequest, "continuation-token-invalid"), (answer.Status, Parse(answer).GetProperty("code").GetString())));
    }

    private static JsonElement Parse(ApiResponse answer) => JsonDocument.Parse(answer.ToJson()).RootElement;
}
