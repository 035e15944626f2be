using System.Collections.Concurrent;
using Fer.Inference.Preprocessing;
using static TorchSharp.torch;

namespace Fer.Training.Data;

/// <summary>One batch ready for the model: normalised inputs [B,3,S,S], class indices [B] and, for voted data, the vote distributions [B,C].</summary>
public sealed class Batch(Tensor inputs, Tensor labels, Tensor? targets = null) : IDisposable
{
    public Tensor Inputs { get; } = inputs;

    public Tensor Labels { get; } = labels;

    public Tensor? Targets { get; } = targets;

    public int Size => (int)Labels.shape[0];

    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
        Targets?.Dispose();
    }
}

/// <summary>
/// Produces batches from an <see cref="ImageCache"/> on a background thread (shuffling, augmenting,
/// normalising with the serving code) while the model trains on the previous ones.
/// </summary>
public static class BatchLoader
{
    public static IEnumerable<Batch> Batches(ImageCache cache, ImagePreprocessor preprocessor, int batchSize, bool shuffle, AugmentationOptions augmentation, int seed, int prefetch = 4)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var order = Enumerable.Range(0, cache.Count).ToArray();
        var random = new Random(seed);
        if (shuffle)
        {
            random.Shuffle(order);
        }

        using var queue = new BlockingCollection<Batch>(prefetch);
        using var cancel = new CancellationTokenSource();
        var producer = Task.Run(() =>
        {
            try
            {
                for (var start = 0; start < order.Length && !cancel.IsCancellationRequested; start += batchSize)
                {
                    queue.Add(Make(cache, preprocessor, order.AsSpan(start, Math.Min(batchSize, order.Length - start)), augmentation, random), cancel.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // The consumer stopped early.
            }
            finally
            {
                queue.CompleteAdding();
            }
        });

        try
        {
            foreach (var batch in queue.GetConsumingEnumerable())
            {
                yield return batch;
            }

            producer.GetAwaiter().GetResult();
        }
        finally
        {
            cancel.Cancel();
            foreach (var leftover in queue)
            {
                leftover.Dispose();
            }
        }
    }

    /// <summary>Builds one batch; without augmentation this is exactly the serving tensor of each image.</summary>
    public static Batch Make(ImageCache cache, ImagePreprocessor preprocessor, ReadOnlySpan<int> indices, AugmentationOptions augmentation, Random random)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(preprocessor);
        ArgumentNullException.ThrowIfNull(augmentation);
        var n = indices.Length;
        var length = preprocessor.TensorLength;
        var normalised = new float[n * length];
        var labels = new long[n];
        var plane = cache.Size * cache.Size;
        float[]? targets = null;
        var classes = cache.Targets is null ? 0 : cache.Targets.Length / cache.Count;
        if (cache.Targets is not null)
        {
            targets = new float[n * classes];
        }

        for (var b = 0; b < n; b++)
        {
            labels[b] = cache.Labels[indices[b]];
            cache.Targets?.AsSpan(indices[b] * classes, classes).CopyTo(targets.AsSpan(b * classes, classes));
        }

        if (!augmentation.Any)
        {
            for (var b = 0; b < n; b++)
            {
                preprocessor.Normalize(new RgbImage(cache.Size, cache.Size, cache.Image(indices[b]).ToArray()), normalised.AsSpan(b * length, length));
            }
        }
        else
        {
            var raw = new float[n * length];
            for (var b = 0; b < n; b++)
            {
                var image = cache.Image(indices[b]);
                for (var i = 0; i < plane; i++)
                {
                    raw[(b * length) + i] = image[i * 3];
                    raw[(b * length) + plane + i] = image[(i * 3) + 1];
                    raw[(b * length) + (2 * plane) + i] = image[(i * 3) + 2];
                }
            }

            using var scope = NewDisposeScope();
            var augmented = Augmenter.Apply(tensor(raw).view(n, 3, cache.Size, cache.Size), augmentation, random).contiguous().data<float>().ToArray();
            for (var b = 0; b < n; b++)
            {
                preprocessor.Normalize(augmented.AsSpan(b * length, length), normalised.AsSpan(b * length, length));
            }
        }

        return new Batch(tensor(normalised).view(n, 3, cache.Size, cache.Size), tensor(labels), targets is null ? null : tensor(targets).view(n, classes));
    }
}
