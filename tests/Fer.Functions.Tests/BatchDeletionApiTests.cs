using System.Net;
using Fer.Api;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary><c>DELETE /api/batches/{batch}</c>: the batch's blobs and rows go, other batches' stay.</summary>
[Collection(AzuriteTests.Name)]
public sealed class BatchDeletionApiTests(Azurite azurite) : IDisposable
{
    private readonly string models = Path.Combine(Path.GetTempPath(), "fer-delete-models-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(models))
        {
            Directory.Delete(models, recursive: true);
        }
    }

    [Fact]
    public async Task Deleting_a_batch_removes_its_blobs_and_rows_only()
    {
        using var host = new FunctionHost(azurite);
        TestModels.Export(models, seed: 21);
        await host.Get<ModelStore>().PublishAsync(models, promote: true);
        foreach (var name in new[] { "gone/a.png", "gone/sub/b.png", "gone2/c.png", "root.png" })
        {
            await host.UploadAsync(name, TestImages.Png(20, 20, SKColors.Olive));
        }

        await host.Get<Reconciler>().RunAsync();
        var api = host.Get<BatchDeletionApi>();

        var answer = await api.DeleteAsync("gone", CancellationToken.None);
        var rootAnswer = await api.DeleteAsync("default", CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, answer.Status());
        Assert.Equal(new BatchDeletion("gone", 2, 2), answer.Body());
        Assert.Equal(new BatchDeletion("default", 1, 1), rootAnswer.Body());
        var left = new List<string>();
        await foreach (var blob in host.Faces.GetBlobsAsync())
        {
            left.Add(blob.Name);
        }

        Assert.Equal(["gone2/c.png"], left);
        Assert.Empty((await host.Get<ResultsStore>().QueryAsync("gone", null, null, 100, null)).Rows);
        Assert.Single((await host.Get<ResultsStore>().QueryAsync("gone2", null, null, 100, null)).Rows);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task A_name_that_is_not_one_folder_is_refused_and_nothing_is_deleted(string batch)
    {
        using var host = new FunctionHost(azurite);
        await host.UploadAsync("a/b/c.png", TestImages.Png(8, 8, SKColors.Red));

        var answer = await host.Get<BatchDeletionApi>().DeleteAsync(batch, CancellationToken.None);

        Assert.Equal((HttpStatusCode.BadRequest, ApiErrorCodes.BatchInvalid), (answer.Status(), answer.Code()));
        Assert.True(await host.Faces.GetBlobClient("a/b/c.png").ExistsAsync());
    }
}
