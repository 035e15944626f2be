using Azure;
using Azure.Data.Tables;
using Fer.Inference.Classification;
using Fer.Inference.Storage;
using Fer.Testing;

namespace Fer.Inference.Tests;

/// <summary>Row deletion in transactions of up to 100 rows, where a row another writer deleted meanwhile is no failure.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ResultsStoreDeleteTests(Azurite azurite)
{
    private static EmotionRow Row(string batch, int i) => new()
    {
        PartitionKey = batch,
        RowKey = $"img{i:D5}.png",
        BlobName = $"{batch}/img{i:D5}.png",
        Status = ClassificationStatus.Classified,
        ProcessedAt = DateTimeOffset.UtcNow,
    };

    private static List<EmotionRow> Rows(string batch, int count) => [.. Enumerable.Range(0, count).Select(i => Row(batch, i))];

    [Fact]
    public async Task A_transaction_that_deletes_a_missing_row_fails_whole_with_404()
    {
        // The premise of the fallback, as Azurite (and the service) answer it.
        using var storage = new StorageFixture(azurite);
        await storage.Results.UpsertManyAsync(Rows("b", 3));
        List<string> keys = ["img00000.png", "gone.png", "img00002.png"];
        var actions = keys.Select(key => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("b", key), ETag.All));

        var e = await Assert.ThrowsAsync<TableTransactionFailedException>(() => storage.Results.Table.SubmitTransactionAsync(actions));

        Assert.Equal((404, 1), (e.Status, e.FailedTransactionActionIndex));
        Assert.Equal(3, (await storage.AllRowsAsync("b")).Count); // atomic: nothing was deleted
    }

    [Fact]
    public async Task Keys_of_which_some_are_already_gone_delete_all_the_rest_without_throwing()
    {
        using var storage = new StorageFixture(azurite);
        await storage.Results.UpsertManyAsync([.. Rows("b", 150), .. Rows("other", 2)]);
        var listed = Enumerable.Range(0, 150).Select(i => ("b", $"img{i:D5}.png")).ToList();

        // Rows listed, then deleted by another writer before this delete: one in each chunk of 100, plus keys never written.
        await storage.Results.DeleteAsync([Row("b", 7), Row("b", 120)]);
        await storage.Results.DeleteKeysAsync([.. listed, ("b", "never.png"), ("nowhere", "never.png")], CancellationToken.None);

        Assert.Empty(await storage.AllRowsAsync("b"));
        Assert.Equal(2, (await storage.AllRowsAsync("other")).Count);
    }

    [Fact]
    public async Task More_than_a_transaction_and_a_query_page_of_rows_are_all_deleted_and_counted()
    {
        using var storage = new StorageFixture(azurite);
        await storage.Results.UpsertManyAsync([.. Rows("b", 1050), .. Rows("other", 3)]);

        Assert.Equal(1050, await storage.Results.DeleteBatchAsync("b"));

        Assert.Empty(await storage.AllRowsAsync("b"));
        Assert.Equal(3, (await storage.AllRowsAsync("other")).Count);
        Assert.Equal(0, await storage.Results.DeleteBatchAsync("b"));
    }

    [Fact]
    public async Task Retention_deletes_every_old_row_over_partitions_and_keeps_the_new()
    {
        using var storage = new StorageFixture(azurite);
        var old = Rows("old1", 120).Concat(Rows("old2", 5)).ToList();
        old.ForEach(r => r.ProcessedAt = DateTimeOffset.UtcNow.AddDays(-10));
        await storage.Results.UpsertManyAsync([.. old, .. Rows("new", 4)]);

        Assert.Equal(125, await storage.Results.DeleteProcessedBeforeAsync(DateTimeOffset.UtcNow.AddDays(-1)));

        Assert.Empty(await storage.AllRowsAsync("old1"));
        Assert.Empty(await storage.AllRowsAsync("old2"));
        Assert.Equal(4, (await storage.AllRowsAsync("new")).Count);
    }

    [Fact]
    public async Task DeleteAsync_of_rows_some_already_gone_deletes_the_rest_without_throwing()
    {
        using var storage = new StorageFixture(azurite);
        var rows = Rows("b", 5);
        await storage.Results.UpsertManyAsync([.. rows, Row("b", 9)]);
        await storage.Results.DeleteAsync([rows[1], rows[3]]);

        await storage.Results.DeleteAsync([.. rows, rows[0]]); // two gone, one listed twice

        Assert.Equal(["img00009.png"], (await storage.AllRowsAsync("b")).Select(r => r.RowKey));
    }
}
