using System.Text.Json;
using Azure.Storage.Queues;

namespace Fer.Inference.Reclassification;

/// <summary>The storage queue of re-classification chunks, one message per chunk, in the faces' account (connection <c>FerStorage</c>).</summary>
public sealed class ReclassifyMessages(QueueClient queue)
{
    /// <summary>The queue's name: a constant, because the function app's queue trigger names it in an attribute.</summary>
    public const string Name = "reclassify";

    public QueueClient Client { get; } = queue;

    /// <summary>
    /// Sends one message per chunk. The queue must exist: in Azure the template creates it (the app's role is scoped
    /// to it), locally <c>fer serve</c>'s queue reader does; a missing queue is a 404, never created here.
    /// </summary>
    public async Task EnqueueAsync(IReadOnlyList<ReclassifyChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0)
        {
            return;
        }

        foreach (var chunk in chunks)
        {
            await Client.SendMessageAsync(Serialize(chunk), cancellationToken).ConfigureAwait(false);
        }
    }

    public static string Serialize(ReclassifyChunk chunk) => JsonSerializer.Serialize(chunk, FerJson.Options);

    public static ReclassifyChunk Parse(string message) =>
        JsonSerializer.Deserialize<ReclassifyChunk>(message, FerJson.Options) is { Batch.Length: > 0, RunId.Length: > 0, Blobs: not null } chunk
            ? chunk
            : throw new InvalidDataException("The message is not a re-classification chunk.");
}
