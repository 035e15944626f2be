using System.Net;
using Fer.Inference.Pipeline;
using Fer.Inference.Reclassification;

namespace Fer.Api;

/// <summary>
/// <c>POST /api/batches/{batch}/reclassify</c> starts a run and answers 202 at once: the batch's blobs without
/// up-to-date rows are queued in chunks, which a queue-triggered function (fer serve: an in-process reader) classifies;
/// <c>GET .../reclassify/status</c> reads its progress. One run per batch at a time.
/// </summary>
public sealed class ReclassifyApi(ModelProvider models, BatchProcessor processor, ReclassifyRuns runs, ReclassifyMessages queue)
{
    public const string Route = "batches/{batch}/reclassify";

    public const string StatusRoute = "batches/{batch}/reclassify/status";

    public const string Running = "reclassify-running";

    public const string NotFound = "reclassify-not-found";

    public async Task<ApiResponse> StartAsync(string batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (BatchName.Problem(batch) is { } problem)
        {
            return ApiResponse.Error(HttpStatusCode.BadRequest, ApiErrorCodes.BatchInvalid, $"'{batch}' is not a batch: {problem}.");
        }

        string version;
        try
        {
            using var lease = await models.AcquireAsync(cancellationToken).ConfigureAwait(false);
            version = lease.Model.Version; // only its name: the queued chunks take their own leases
        }
        catch (ModelUnavailableException e)
        {
            return ApiResponse.Error(HttpStatusCode.ServiceUnavailable, ApiErrorCodes.ModelUnavailable, e.Message);
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

        await queue.EnqueueAsync(chunks, cancellationToken).ConfigureAwait(false);
        return new ApiResponse(HttpStatusCode.Accepted, ReclassifyStatus.From(run, StatusUrl(batch)));
    }

    public async Task<ApiResponse> StatusAsync(string batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return await runs.GetAsync(batch, cancellationToken).ConfigureAwait(false) is { } run
            ? new ApiResponse(HttpStatusCode.OK, ReclassifyStatus.From(run, StatusUrl(batch)))
            : ApiResponse.Error(HttpStatusCode.NotFound, NotFound, $"Batch '{batch}' has not been re-classified; POST /api/{Route.Replace("{batch}", Uri.EscapeDataString(batch), StringComparison.Ordinal)} starts a run.");
    }

    private static string StatusUrl(string batch) => "/api/" + StatusRoute.Replace("{batch}", Uri.EscapeDataString(batch), StringComparison.Ordinal);

    private static ApiResponse Busy(string batch) =>
        ApiResponse.Error(HttpStatusCode.Conflict, Running, $"Batch '{batch}' is being re-classified; its progress is at {StatusUrl(batch)}.");
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
