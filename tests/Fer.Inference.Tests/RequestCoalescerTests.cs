using Fer.Inference.Classification;

namespace Fer.Inference.Tests;

public sealed class RequestCoalescerTests
{
    [Fact]
    public async Task Requests_that_arrive_during_a_call_share_the_next_one_and_each_gets_its_own_answer()
    {
        using var firstCallStarted = new SemaphoreSlim(0);
        using var releaseFirstCall = new SemaphoreSlim(0);
        var batchSizes = new List<int>();
        using var coalescer = new RequestCoalescer<ClassificationResult>(images =>
        {
            batchSizes.Add(images.Count);
            if (batchSizes.Count == 1)
            {
                firstCallStarted.Release();
                releaseFirstCall.Wait();
            }

            return images.Select(AnswerFor).ToList();
        }, maxBatch: 4);

        var first = coalescer.ClassifyAsync(Image(1));
        await firstCallStarted.WaitAsync();
        var queued = Enumerable.Range(2, 6).Select(n => coalescer.ClassifyAsync(Image(n))).ToList();
        releaseFirstCall.Release();
        var answers = await Task.WhenAll(queued.Prepend(first));

        Assert.Equal(Enumerable.Range(1, 7), answers.Select(a => a.Width!.Value));
        Assert.Equal([1, 4, 2], batchSizes);
        Assert.Equal((3L, 7L), coalescer.Statistics);
    }

    [Fact]
    public async Task A_failing_call_fails_its_callers_only_and_a_retired_coalescer_says_so()
    {
        var coalescer = new RequestCoalescer<ClassificationResult>(images => images[0].Length == 13
            ? throw new InvalidOperationException("ONNX Runtime failed")
            : images.Select(AnswerFor).ToList(), maxBatch: 8);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => coalescer.ClassifyAsync(Image(13)));
        var next = await coalescer.ClassifyAsync(Image(3));
        coalescer.Dispose();
        var retired = await Assert.ThrowsAsync<ObjectDisposedException>(() => coalescer.ClassifyAsync(Image(4)));

        Assert.Equal("ONNX Runtime failed", error.Message);
        Assert.Equal(3, next.Width);
        Assert.Contains("retired", retired.Message, StringComparison.Ordinal);
    }

    private static ReadOnlyMemory<byte> Image(int length) => new byte[length];

    /// <summary>An answer that says which request it belongs to: the image's length as its width.</summary>
    private static ClassificationResult AnswerFor(ReadOnlyMemory<byte> image) =>
        new() { Status = ClassificationStatus.Classified, Width = image.Length };
}
