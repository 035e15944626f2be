using System.Net;
using Fer.Inference;
using Fer.Inference.Pipeline;
using Fer.Inference.Reclassification;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fer.Api;

/// <summary>
/// <c>POST /api/batches/{batch}/reclassify</c> starts a run and answers 202 at once: the batch's blobs without
/// up-to-date rows are queued in chunks, which a queue-triggered function (fer serve: an in-process reader) classifies;
/// <c>GET .../reclassify/status</c> reads its progress. One run per batch at a time.
/// </summary>
public sealed class ReclassifyApi(ModelProvider models, BatchProcessor processor, ReclassifyRuns runs, ReclassifyMessages queue)
{
    public async Task<IResult> StartAsync(string batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (BatchName.Problem(batch) is { } problem)
        {
            return ApiResults.Error(HttpStatusCode.BadRequest, ApiErrorCodes.BatchInvalid, $"'{batch}' is not a batch: {problem}.");
        }

        string version;
        try
        {
            using var lease = await models.AcquireAsync(cancellationToken).ConfigureAwait(false);
            version = lease.Model.Version; // only its name: the queued chunks take their own leases
        }
        catch (ModelUnavailableException e)
        {
            return ApiResults.Error(HttpStatusCode.ServiceUnavailable, ApiErrorCodes.ModelUnavailable, e.Message);
        }

        var previous = await runs.GetAsync(batch, cancellationToken).ConfigureAwait(false);
        if (previous is not null && runs.IsActive(previous))
        {
            return Busy(batch);
        }

        var scan = await processor.ScanAsync(batch, version, cancellationToken).ConfigureAwait(false);
        var runId = Guid.NewGuid().ToString("N");
        var chunks = ReclassifyChunk.Split(batch, runId, scan.Stale.Select(listed => listed.Blob.Name.BlobName));
        if (await runs.TryStartAsync(batch, previous, version, chunks, runId, cancellationToken).ConfigureAwait(false) is not { } run)
        {
            return Busy(batch);
        }

        try
        {
            await queue.EnqueueAsync(chunks, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (UserFaults.IsStorageFault(e))
        {
            // The run is recorded but its work is not (all) queued: free the batch, or no run could start until the
            // run counts as abandoned. The route answers the fault as 503 storage-unavailable.
            await runs.TryCancelAsync(run).ConfigureAwait(false);
            throw;
        }

        return ApiResults.Json(ReclassifyStatus.From(run, StatusUrl(batch)), HttpStatusCode.Accepted);
    }

    public async Task<IResult> StatusAsync(string batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return await runs.GetAsync(batch, cancellationToken).ConfigureAwait(false) is { } run
            ? ApiResults.Json(ReclassifyStatus.From(run, StatusUrl(batch)))
            : ApiResults.Error(HttpStatusCode.NotFound, ApiErrorCodes.ReclassifyNotFound, $"Batch '{batch}' has not been re-classified; POST {Url(ApiRoutes.ReclassifyTemplate, batch)} starts a run.");
    }

    private static string StatusUrl(string batch) => Url(ApiRoutes.ReclassifyStatusTemplate, batch);

    private static string Url(string template, string batch) => "/api/" + template.Replace("{batch}", Uri.EscapeDataString(batch), StringComparison.Ordinal);

    private static JsonHttpResult<ApiError> Busy(string batch) =>
        ApiResults.Error(HttpStatusCode.Conflict, ApiErrorCodes.ReclassifyRunning, $"Batch '{batch}' is being re-classified; its progress is at {StatusUrl(batch)}.");
}

/// <summary>A run's progress as the status route answers it.</summary>
public sealed record ReclassifyStatus(string Batch, string RunId, string State, string ModelVersion, int Blobs, int Chunks, int ChunksDone,
    int Processed, int Classified, int Rejected, int Failed, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, string StatusUrl)
{
    public static ReclassifyStatus From(ReclassifyRun run, string statusUrl)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new(run.Batch, run.RunId, run.State, run.ModelVersion, run.Blobs, run.Chunks, run.ChunksDone, run.Processed,
            run.Classified, run.Rejected, run.Failed, run.StartedAt, run.UpdatedAt, statusUrl);
    }
}
