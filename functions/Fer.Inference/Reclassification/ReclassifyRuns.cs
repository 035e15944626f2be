using Azure;
using Azure.Data.Tables;
using Fer.Inference.Storage;

namespace Fer.Inference.Reclassification;

/// <summary>
/// The runs' state in the results table: starting a run is a conditional write, so two requests for one batch cannot
/// both start; chunks add their counts with optimistic concurrency.
/// </summary>
public sealed class ReclassifyRuns(ResultsStore results, TimeProvider time)
{
    /// <summary>A running run without progress for this long is taken as abandoned (a chunk that poisoned, a lost enqueue): a new one may start.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(30);

    private TableClient Table => results.Table;

    public async Task<ReclassifyRun?> GetAsync(string batch, CancellationToken cancellationToken = default)
    {
        var found = await Table.GetEntityIfExistsAsync<ReclassifyRun>(ReclassifyRun.Partition, TableKeys.Encode(batch), cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>True while <paramref name="run"/> still holds its batch.</summary>
    public bool IsActive(ReclassifyRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.State == ReclassifyRun.Running && time.GetUtcNow() - run.UpdatedAt < AbandonedAfter;
    }

    /// <summary>
    /// Starts a run over <paramref name="chunks"/>, replacing <paramref name="previous"/> (the entity read before, or
    /// null); null when another request changed the entity in between, i.e. started a run of its own.
    /// </summary>
    public async Task<ReclassifyRun?> TryStartAsync(string batch, ReclassifyRun? previous, string modelVersion, IReadOnlyList<ReclassifyChunk> chunks, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var now = time.GetUtcNow();
        var run = new ReclassifyRun
        {
            RowKey = TableKeys.Encode(batch),
            Batch = batch,
            RunId = runId,
            State = chunks.Count == 0 ? ReclassifyRun.Done : ReclassifyRun.Running,
            ModelVersion = modelVersion,
            Blobs = chunks.Sum(c => c.Blobs.Count),
            Chunks = chunks.Count,
            StartedAt = now,
            UpdatedAt = now,
        };
        try
        {
            var response = previous is null
                ? await Table.AddEntityAsync(run, cancellationToken).ConfigureAwait(false)
                : await Table.UpdateEntityAsync(run, previous.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            run.ETag = response.Headers.ETag ?? default;
            return run;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes <paramref name="run"/>, which did not get its work queued, so that the batch is free again. Storage that
    /// fails again leaves it to count as abandoned after <see cref="AbandonedAfter"/>.
    /// </summary>
    public async Task TryCancelAsync(ReclassifyRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            // Not the request's token: a client that gave up must not leave the batch held.
            await Table.DeleteEntityAsync(run.PartitionKey, run.RowKey, run.ETag).ConfigureAwait(false);
        }
        catch (Exception e) when (UserFaults.IsStorageFault(e))
        {
            // Left to be abandoned: the caller answers the first fault either way.
        }
    }

    /// <summary>Adds a finished chunk's counts to its run; a chunk of an older run (abandoned and replaced) counts for nothing.</summary>
    public async Task RecordChunkAsync(ReclassifyChunk chunk, int classified, int rejected, int failed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        while (true)
        {
            var run = await GetAsync(chunk.Batch, cancellationToken).ConfigureAwait(false);
            if (run is null || run.RunId != chunk.RunId)
            {
                return;
            }

            run.ChunksDone++;
            run.Processed += chunk.Blobs.Count;
            (run.Classified, run.Rejected, run.Failed) = (run.Classified + classified, run.Rejected + rejected, run.Failed + failed);
            run.State = run.ChunksDone >= run.Chunks ? ReclassifyRun.Done : ReclassifyRun.Running;
            run.UpdatedAt = time.GetUtcNow();
            try
            {
                await Table.UpdateEntityAsync(run, run.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Another chunk of the run finished at the same moment: read its counts and add ours again.
            }
        }
    }
}
