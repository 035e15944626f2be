using Fer.Api;
using Fer.Inference.Reclassification;
using Microsoft.Azure.Functions.Worker;

namespace Fer.Functions;

/// <summary>
/// Classifies one chunk of a re-classification run. host.json takes one message at a time per instance (a chunk
/// already fills the model's batches, beside the blob trigger's four invocations); a chunk that fails five times goes
/// to <c>reclassify-poison</c>, and its run is taken as abandoned after <see cref="ReclassifyRuns.AbandonedAfter"/>.
/// </summary>
public sealed class ReclassifyChunkFunction(ReclassifyWorker worker)
{
    [Function("ReclassifyChunk")]
    public Task Run([QueueTrigger(ReclassifyMessages.Name, Connection = ServiceRegistration.StorageConnectionName)] string message, CancellationToken cancellationToken) =>
        worker.HandleAsync(message, cancellationToken);
}
