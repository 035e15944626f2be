using System.Text.Json;
using Fer.Inference;
using Fer.Inference.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Fer.Functions;

/// <summary>
/// Gives a blob that poisoned (failed <c>poisonBlobThreshold</c> times, host.json) a <c>failed</c> row. The isolated
/// worker does not tell a blob-triggered invocation which attempt it is (its binding data has no dequeue count), so the
/// last attempt cannot know it is the last; the host instead puts a message on this queue, in its own storage
/// (<c>AzureWebJobsStorage</c>), after the last attempt. The reconciler then tries the blob again.
/// </summary>
public sealed class PoisonedBlobFunction(ClassificationPipeline pipeline, IOptions<FerOptions> options)
{
    /// <summary>The queue the host moves poisoned blob-trigger messages to.</summary>
    public const string PoisonQueue = "webjobs-blobtrigger-poison";

    public const string ErrorCode = FailureMessages.BlobPoisoned;

    [Function("RecordPoisonedBlob")]
    public async Task Run([QueueTrigger(PoisonQueue)] string message, CancellationToken cancellationToken)
    {
        var poisoned = JsonSerializer.Deserialize<PoisonMessage>(message);
        if (poisoned?.BlobName is not { Length: > 0 } blobName || poisoned.ContainerName != options.Value.FacesContainer)
        {
            return; // another function's or container's blob
        }

        await pipeline.RecordFailureAsync(blobName, poisoned.ETag?.Trim('"'), ErrorCode, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The host's poison message: <c>{"Type":"BlobTrigger","FunctionId":...,"BlobType":...,"ContainerName":...,"BlobName":...,"ETag":...}</c>.</summary>
    private sealed record PoisonMessage(string? ContainerName, string? BlobName, string? ETag);
}
