using Fer.Inference.Preprocessing;

namespace Fer.Training.Data;

/// <summary>
/// A split decoded once through the serving preprocessing (up to the S x S RGB stage) and kept in
/// memory, so that epochs do not decode again. Files that cannot be decoded are reported, not hidden.
/// </summary>
public sealed class ImageCache
{
    private ImageCache(int size, byte[] pixels, int[] labels, float[]? targets, IReadOnlyList<string> paths, IReadOnlyList<string> failures)
    {
        Targets = targets;
        Size = size;
        Pixels = pixels;
        Labels = labels;
        Paths = paths;
        Failures = failures;
    }

    public int Size { get; }

    public int Count => Labels.Length;

    /// <summary>Count x S x S x 3 bytes.</summary>
    public byte[] Pixels { get; }

    public int[] Labels { get; }

    /// <summary>Count x classes: each image's vote distribution (sums to 1), when every image of the split has votes; otherwise null.</summary>
    public float[]? Targets { get; }

    public IReadOnlyList<string> Paths { get; }

    /// <summary>"path: reason" for every file that could not be decoded.</summary>
    public IReadOnlyList<string> Failures { get; }

    public int ImageBytes => Size * Size * 3;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageBytes, ImageBytes);

    public static ImageCache Build(IReadOnlyList<LabelledImage> images, ImagePreprocessor preprocessor, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(preprocessor);
        var size = preprocessor.Size;
        var decoded = new RgbImage?[images.Count];
        var errors = new string?[images.Count];
        var done = 0;
        Parallel.For(0, images.Count, i =>
        {
            try
            {
                decoded[i] = preprocessor.Prepare(File.ReadAllBytes(images[i].Path));
            }
            catch (ImageRejectedException e)
            {
                errors[i] = $"{images[i].Path}: {e.Code}: {e.Message}";
            }

            var n = Interlocked.Increment(ref done);
            if (n % 512 == 0 || n == images.Count)
            {
                progress?.Report(n);
            }
        });

        var kept = Enumerable.Range(0, images.Count).Where(i => decoded[i] is not null).ToArray();
        var pixels = new byte[kept.Length * size * size * 3];
        for (var k = 0; k < kept.Length; k++)
        {
            decoded[kept[k]]!.Pixels.CopyTo(pixels, k * size * size * 3);
        }

        return new ImageCache(
            size,
            pixels,
            kept.Select(i => images[i].Label).ToArray(),
            VoteDistributions(kept.Select(i => images[i]).ToArray()),
            kept.Select(i => images[i].Path).ToArray(),
            errors.Where(e => e is not null).Select(e => e!).ToArray());
    }

    private static float[]? VoteDistributions(LabelledImage[] images)
    {
        if (images.Length == 0 || images.Any(image => image.Votes is null))
        {
            return null;
        }

        var classes = images[0].Votes!.Count;
        var targets = new float[images.Length * classes];
        for (var i = 0; i < images.Length; i++)
        {
            var votes = images[i].Votes!;
            var total = votes.Sum();
            for (var c = 0; c < classes; c++)
            {
                targets[(i * classes) + c] = total > 0 ? votes[c] / total : (c == images[i].Label ? 1 : 0);
            }
        }

        return targets;
    }
}
