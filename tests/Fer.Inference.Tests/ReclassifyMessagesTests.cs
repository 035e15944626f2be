using Azure;
using Azure.Storage.Queues;
using Fer.Inference.Reclassification;
using Fer.Testing;

namespace Fer.Inference.Tests;

/// <summary>The reclassify queue is created by the template (Azure) or fer serve's reader (locally), never by a send.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ReclassifyMessagesTests(Azurite azurite)
{
    private static readonly ReclassifyChunk Chunk = new("b", "run-1", ["b/1.png", "b/2.png"]);

    [Fact]
    public async Task Enqueue_into_a_missing_queue_fails_with_404_and_does_not_create_it()
    {
        var queue = new ReclassifyMessages(new QueueServiceClient(azurite.ConnectionString).GetQueueClient("reclassify-" + Guid.NewGuid().ToString("N")[..10]));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.EnqueueAsync([Chunk]));

        Assert.Equal(404, error.Status);
        Assert.False((await queue.Client.ExistsAsync()).Value);
    }

    [Fact]
    public async Task Enqueue_sends_one_message_per_chunk_to_an_existing_queue()
    {
        var queue = new ReclassifyMessages(new QueueServiceClient(azurite.ConnectionString).GetQueueClient("reclassify-" + Guid.NewGuid().ToString("N")[..10]));
        await queue.Client.CreateAsync();

        await queue.EnqueueAsync([Chunk, Chunk with { RunId = "run-2" }]);

        var messages = (await queue.Client.ReceiveMessagesAsync(maxMessages: 10)).Value;
        Assert.Equal(["run-1", "run-2"], messages.Select(m => ReclassifyMessages.Parse(m.MessageText).RunId).Order(StringComparer.Ordinal));
        await queue.Client.DeleteAsync();
    }
}
