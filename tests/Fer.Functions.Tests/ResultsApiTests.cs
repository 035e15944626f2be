using System.Net;
using System.Text.Json;
using Fer.Api;
using Fer.Inference.Storage;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary>The results route's paging and refusals: the continuation token travels in the x-fer-continuation header both ways, never in the URL; page sizes out of range, tokens it did not issue for the batch and filters, and a token in the query string are refused.</summary>
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

        var answer = await GetAsync(host, $"batches/any/results?pageSize={pageSize}");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("page-size-invalid", answer.Json().GetProperty("code").GetString());
    }

    [Fact]
    public async Task Only_the_continuation_token_issued_for_the_batch_is_taken()
    {
        using var host = new FunctionHost(azurite);
        await ClassifyAsync(host, "paged", "other");

        var first = (await Page(host, "paged", "1", null)).Json();
        var token = first.GetProperty("continuationToken").GetString()!;
        var otherBatchToken = (await Page(host, "other", "1", null)).Json().GetProperty("continuationToken").GetString()!;
        var second = await Page(host, "paged", "1", token);
        var changed = token[..5] + (token[5] == 'A' ? 'B' : 'A') + token[6..];
        var refused = new[]
        {
            await Page(host, "paged", "1", changed),
            await Page(host, "paged", "1", "garbage"),
            await Page(host, "paged", "1", ""),
            await Page(host, "paged", "1", otherBatchToken),
            await Page(host, "paged", "1", WithValidChecksum("{\"not\": \"an array\"}")),
            await GetAsync(host, "batches/paged/results?emotion=Happiness&pageSize=1", token),
        };

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(first.GetProperty("items")[0].GetProperty("blobName").GetString(), second.Json().GetProperty("items")[0].GetProperty("blobName").GetString());
        Assert.All(refused, answer => Assert.Equal((HttpStatusCode.BadRequest, ApiErrorCodes.ContinuationTokenInvalid), (answer.StatusCode, answer.Json().GetProperty("code").GetString())));
    }

    [Fact]
    public async Task The_header_token_pages_through_a_batch_with_every_row_once_and_the_answer_header_equals_the_body()
    {
        using var host = new FunctionHost(azurite);
        await ClassifyAsync(host, "headers");

        var first = await Page(host, "headers", "2", null);
        var token = first.Json().GetProperty("continuationToken").GetString();
        var second = await Page(host, "headers", "2", token);
        var all = (await Page(host, "headers", "10", null)).Json();

        Assert.NotNull(token);
        Assert.Equal(token, first.Header(ContinuationHeader.Name));
        Assert.Equal(JsonValueKind.Null, second.Json().GetProperty("continuationToken").ValueKind);
        Assert.DoesNotContain(ContinuationHeader.Name, second.Headers.Keys);
        var paged = new[] { first, second }.SelectMany(answer => Rows(answer.Json())).ToList();
        Assert.Equal(2, Rows(first.Json()).Count());
        Assert.Equal(Rows(all).ToList(), paged); // none twice, none missing, in the table's order
        Assert.Equal(3, paged.Count);
    }

    [Fact]
    public async Task A_continuation_token_in_the_query_string_is_refused_with_its_own_code_even_when_it_is_valid()
    {
        using var host = new FunctionHost(azurite);
        await ClassifyAsync(host, "queried");
        var token = (await Page(host, "queried", "1", null)).Json().GetProperty("continuationToken").GetString();

        var answers = new[]
        {
            await GetAsync(host, $"batches/queried/results?pageSize=1&continuationToken={Uri.EscapeDataString(token!)}"),
            await GetAsync(host, $"batches/queried/results?pageSize=1&continuationToken={Uri.EscapeDataString(token!)}", token),
        };

        Assert.NotNull(token);
        Assert.All(answers, answer =>
        {
            Assert.Equal((HttpStatusCode.BadRequest, ApiErrorCodes.ContinuationTokenInQuery), (answer.StatusCode, answer.Json().GetProperty("code").GetString()));
            Assert.Contains(ContinuationHeader.Name, answer.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal(["Content-Type"], answer.Headers.Keys); // no continuation header
        });
    }

    /// <summary>Three small images in each batch, classified with a published test model: one row each.</summary>
    private async Task ClassifyAsync(FunctionHost host, params string[] batches)
    {
        TestModels.Export(models, seed: 6);
        await host.Get<ModelStore>().PublishAsync(models, promote: true);
        foreach (var batch in batches)
        {
            for (var i = 0; i < 3; i++)
            {
                await host.UploadAsync($"{batch}/{i}.png", TestImages.Png(20, 20, new SKColor((byte)(i * 60), 0, 0)));
            }

            await host.Get<Fer.Inference.Pipeline.BatchProcessor>().ProcessAsync(batch);
        }
    }

    private static Task<TestAnswer> Page(FunctionHost host, string batch, string pageSize, string? headerToken) =>
        GetAsync(host, $"batches/{batch}/results?pageSize={pageSize}", headerToken);

    /// <summary>The results route's answer to a GET of <paramref name="pathAndQuery"/>, with <paramref name="headerToken"/> in the continuation header.</summary>
    private static async Task<TestAnswer> GetAsync(FunctionHost host, string pathAndQuery, string? headerToken = null)
    {
        var request = TestHttp.Request(host.Get<IServiceProvider>(), "GET", pathAndQuery);
        if (headerToken is not null)
        {
            request.Headers[ContinuationHeader.Name] = headerToken;
        }

        return await (await host.Get<ResultsApi>().ResultsAsync(request, (string)request.RouteValues["batch"]!)).AnswerAsync(request);
    }

    private static IEnumerable<string> Rows(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(item => $"{item.GetProperty("blobName").GetString()}#{item.GetProperty("face")}");

    /// <summary>A token whose checksum matches but whose payload is not the four strings a real token holds: the checksum is no secret.</summary>
    private static string WithValidChecksum(string payload)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(payload);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes) + "." + System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(bytes).AsSpan(0, 12));
    }
}
