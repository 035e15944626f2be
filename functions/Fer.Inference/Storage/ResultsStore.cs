using Azure;
using Azure.Data.Tables;
using Fer.Inference.Classification;

namespace Fer.Inference.Storage;

/// <summary>The results table: upserts (a row per face, or one row about the whole blob), a blob's rows, filtered pages, summaries.</summary>
public sealed class ResultsStore(TableClient table)
{
    public TableClient Table { get; } = table;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => Table.CreateIfNotExistsAsync(cancellationToken);

    public Task UpsertAsync(EmotionRow row, CancellationToken cancellationToken = default) =>
        Table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Upserts many rows with entity-group transactions (up to 100 rows of one partition per request).</summary>
    public async Task UpsertManyAsync(IReadOnlyCollection<EmotionRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var partition in rows.GroupBy(r => r.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await Table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every row of the blob at <paramref name="pathInBatch"/> in the batch folder <paramref name="batch"/> (<c>batch/path</c>).</summary>
    public Task<IReadOnlyList<EmotionRow>> GetBlobRowsAsync(string batch, string pathInBatch, CancellationToken cancellationToken = default) =>
        QueryRowsAsync(TableKeys.BlobRowsFilter(batch, pathInBatch), cancellationToken);

    /// <summary>Every row of one blob: its face rows, or its one row about the whole file (docs/design.md, "Uploads and results").</summary>
    public Task<IReadOnlyList<EmotionRow>> GetBlobRowsAsync(FaceBlobName blob, CancellationToken cancellationToken = default) =>
        QueryRowsAsync(TableKeys.BlobRowsFilter(blob), cancellationToken);

    /// <summary>
    /// Deletes rows that no longer describe their blob (a face that is no longer found, a blob that is gone); a row already
    /// gone is fine. A row read from the table (it has an ETag) is deleted only if unchanged since: a writer that rewrote
    /// it meanwhile wrote a current row.
    /// </summary>
    public Task DeleteAsync(IEnumerable<EmotionRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return DeleteKeysAsync(rows.Select(r => (r.PartitionKey, r.RowKey, r.ETag == default ? ETag.All : r.ETag)), cancellationToken);
    }

    /// <summary>
    /// The partition keys of the table, in order, one query each: each asks for the first row after the last key found,
    /// so a partition's rows are never read through.
    /// </summary>
    public async IAsyncEnumerable<string> PartitionKeysAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        while (true)
        {
            var filter = after is null ? null : TableClient.CreateQueryFilter($"PartitionKey gt {after}");
            string? next = null;
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                next = row.PartitionKey;
                break;
            }

            if (next is null)
            {
                yield break;
            }

            yield return next;
            after = next;
        }
    }

    /// <summary>Deletes every row of a batch, in transactions of up to 100 rows; returns how many.</summary>
    public Task<int> DeleteBatchAsync(string batch, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Encode(batch)}"), cancellationToken);

    /// <summary>Deletes the rows of every batch processed before <paramref name="cutoff"/> (retention); returns how many.</summary>
    public Task<int> DeleteProcessedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync(TableClient.CreateQueryFilter($"ProcessedAt lt {cutoff}"), cancellationToken);

    /// <summary>Deletes the rows <paramref name="filter"/> finds, page by page as the query returns them; returns how many it found.</summary>
    private async Task<int> DeleteWhereAsync(string filter, CancellationToken cancellationToken)
    {
        var found = 0;
        var pages = Table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages();
        await foreach (var page in pages.ConfigureAwait(false))
        {
            found += page.Values.Count;
            await DeleteKeysAsync(page.Values.Select(k => (k.PartitionKey, k.RowKey)), cancellationToken).ConfigureAwait(false);
        }

        return found;
    }

    /// <summary>
    /// Deletes rows by key, in entity-group transactions of up to 100 rows of one partition. A row already gone
    /// (deleted meanwhile by another writer) is the outcome wanted, but it fails its whole transaction with 404:
    /// that chunk is then deleted row by row, ignoring 404.
    /// </summary>
    internal Task DeleteKeysAsync(IEnumerable<(string PartitionKey, string RowKey)> keys, CancellationToken cancellationToken) =>
        DeleteKeysAsync(keys.Select(k => (k.PartitionKey, k.RowKey, ETag.All)), cancellationToken);

    /// <summary>As above, each row only if its ETag still matches (<see cref="ETag.All"/>: whatever it is); a row changed meanwhile (412) is kept.</summary>
    internal async Task DeleteKeysAsync(IEnumerable<(string PartitionKey, string RowKey, ETag ETag)> keys, CancellationToken cancellationToken)
    {
        // One action per row: a transaction may not touch one row twice.
        foreach (var partition in keys.DistinctBy(k => (k.PartitionKey, k.RowKey)).GroupBy(k => k.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                try
                {
                    await Table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(k.PartitionKey, k.RowKey), k.ETag)), cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status is 404 or 412)
                {
                    // TableTransactionFailedException is a RequestFailedException; nothing of the failed transaction was deleted.
                    foreach (var (partitionKey, rowKey, etag) in chunk)
                    {
                        await DeleteRowAsync(partitionKey, rowKey, etag, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private async Task<IReadOnlyList<EmotionRow>> QueryRowsAsync(string filter, CancellationToken cancellationToken)
    {
        var rows = new List<EmotionRow>();
        await foreach (var row in Table.QueryAsync<EmotionRow>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task DeleteRowAsync(string partitionKey, string rowKey, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(partitionKey, rowKey, etag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Already gone (the outcome wanted), or rewritten since it was read (a current row, to keep).
        }
    }

    /// <summary>One page of a batch's rows, optionally filtered by emotion and status. Filter values are escaped, never concatenated raw.</summary>
    public async Task<ResultsPage> QueryAsync(string batch, string? emotion, string? status, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        var filter = Filter(batch, emotion, status);
        var pages = Table.QueryAsync<EmotionRow>(filter, maxPerPage: Math.Clamp(pageSize, 1, 1000), cancellationToken: cancellationToken)
            .AsPages(continuationToken, Math.Clamp(pageSize, 1, 1000));
        await foreach (var page in pages.ConfigureAwait(false))
        {
            return new ResultsPage(page.Values, page.ContinuationToken);
        }

        return new ResultsPage([], null);
    }

    public async IAsyncEnumerable<EmotionRow> AllAsync(string batch, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in Table.QueryAsync<EmotionRow>(Filter(batch, null, null), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    public async Task<BatchSummary> SummarizeAsync(string batch, CancellationToken cancellationToken = default)
    {
        var byStatus = new Dictionary<string, int>();
        var byEmotion = new Dictionary<string, int>();
        var (total, faces, confidenceSum, classified) = (0, 0, 0.0, 0);
        var images = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in AllAsync(batch, cancellationToken).ConfigureAwait(false))
        {
            total++;
            images.Add(row.BlobName);
            faces += row.FaceIndex is null ? 0 : 1;
            byStatus[row.Status] = byStatus.GetValueOrDefault(row.Status) + 1;
            if (row.Status == ClassificationStatus.Classified && row.Emotion is not null)
            {
                byEmotion[row.Emotion] = byEmotion.GetValueOrDefault(row.Emotion) + 1;
                confidenceSum += row.Confidence ?? 0;
                classified++;
            }
        }

        return new BatchSummary(batch, total, images.Count, faces, byStatus, byEmotion, classified == 0 ? null : confidenceSum / classified);
    }

    public static string Filter(string batch, string? emotion, string? status)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Encode(batch)}");
        if (!string.IsNullOrEmpty(emotion))
        {
            filter += " and " + TableClient.CreateQueryFilter($"Emotion eq {emotion}");
        }

        if (!string.IsNullOrEmpty(status))
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {status}");
        }

        return filter;
    }
}
