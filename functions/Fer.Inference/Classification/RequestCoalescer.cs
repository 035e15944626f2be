using System.Threading.Channels;

namespace Fer.Inference.Classification;

/// <summary>
/// Joins concurrent single-image requests into shared ONNX Runtime calls: while one call runs, new
/// requests queue, and the next call takes all of them (up to <c>maxBatch</c>). Nothing waits on a
/// timer, so a lone request runs at once; under load, one batched call replaces several calls that
/// would each want every core.
/// </summary>
internal sealed class RequestCoalescer<TResult> : IDisposable
{
    private readonly Func<IReadOnlyList<ReadOnlyMemory<byte>>, IReadOnlyList<TResult>> classifyBatch;
    private readonly int maxBatch;
    private readonly Channel<Request> queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private long calls;
    private long images;

    public RequestCoalescer(Func<IReadOnlyList<ReadOnlyMemory<byte>>, IReadOnlyList<TResult>> classifyBatch, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        this.classifyBatch = classifyBatch;
        this.maxBatch = maxBatch;
        _ = Task.Run(RunAsync);
    }

    /// <summary>Calls made so far, and the images they classified: their ratio is the mean batch.</summary>
    public (long Calls, long Images) Statistics => (Interlocked.Read(ref calls), Interlocked.Read(ref images));

    public Task<TResult> ClassifyAsync(ReadOnlyMemory<byte> image)
    {
        var request = new Request(image, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        return queue.Writer.TryWrite(request)
            ? request.Result.Task
            : Task.FromException<TResult>(new ObjectDisposedException(nameof(EmotionClassifier), "This model version has been retired; classify with the current one."));
    }

    /// <summary>Stops taking requests; those already queued are still answered.</summary>
    public void Dispose() => queue.Writer.TryComplete();

    private async Task RunAsync()
    {
        var batch = new List<Request>(maxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var request))
            {
                batch.Add(request);
            }

            Interlocked.Increment(ref calls);
            Interlocked.Add(ref images, batch.Count);
            try
            {
                var results = classifyBatch(batch.ConvertAll(r => r.Image));
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.TrySetResult(results[i]);
                }
            }
#pragma warning disable CA1031 // Whatever the call threw belongs to every caller in the batch; the loop must go on for the next.
            catch (Exception e)
#pragma warning restore CA1031
            {
                batch.ForEach(r => r.Result.TrySetException(e));
            }
        }
    }

    private sealed record Request(ReadOnlyMemory<byte> Image, TaskCompletionSource<TResult> Result);
}
