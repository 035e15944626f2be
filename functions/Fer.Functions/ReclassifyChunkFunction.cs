using Azure.Storage.Queues.Models;
using Fer.Api;
using Fer.Inference.Reclassification;
using Microsoft.Azure.Functions.Worker;

namespace Fer.Functions;

/// <summary>
/// Classifies one chunk of a re-classification run. host.json takes one message at a time per instance (a chunk
/// already fills the model's batches, beside the blob trigger's four invocations); a chunk that fails five times goes
/// to <c>reclassify-poison</c>. The message itself is bound (not only its text) for its dequeue count: the fifth try
/// that fails counts the chunk into its run as failed, so that the run ends instead of waiting to be taken as abandoned.
/// </summary>
public sealed class ReclassifyChunkFunction(ReclassifyWorker worker)
{
    [Function("ReclassifyChunk")]
    public Task Run([QueueTrigger(ReclassifyMessages.Name, Connection = ServiceRegistration.StorageConnectionName)] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return worker.HandleAsync(message.MessageText, message.DequeueCount, cancellationToken);
    }
}
