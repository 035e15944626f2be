using System.Runtime.InteropServices;
using SkiaSharp;

namespace Fer.Inference.Preprocessing;

/// <summary>
/// Shrinks an image that arrives a row at a time (premultiplied RGBA) without the full-size image ever existing: each
/// target pixel is the mean of its box of source pixels, summed as the rows go by. A box average rather than nearest
/// sampling: it is what JPEG's DCT scaling and libwebp's rescaler give too, so every format reaches the detector and
/// the crops with the same kind of filtering, and fine detail and noise are averaged rather than aliased.
/// </summary>
internal sealed class BoxSampler : IDisposable
{
    private readonly int sourceWidth;
    private readonly int sourceHeight;
    private readonly int[] columnOf;
    private readonly int[] columnCount;
    private readonly long[] sums;
    private readonly byte[] averaged;
    private readonly int targetHeight;
    private SKBitmap? target;
    private int row = -1;
    private int rowsSummed;

    public BoxSampler(int sourceWidth, int sourceHeight, SKSizeI size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size.Width, 1, nameof(size));
        ArgumentOutOfRangeException.ThrowIfLessThan(size.Height, 1, nameof(size));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size.Width, sourceWidth, nameof(size));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size.Height, sourceHeight, nameof(size));
        (this.sourceWidth, this.sourceHeight) = (sourceWidth, sourceHeight);

        // Source column x falls into target column x * tw / w: every target column gets at least one, as tw <= w.
        columnOf = new int[sourceWidth];
        columnCount = new int[size.Width];
        for (var x = 0; x < sourceWidth; x++)
        {
            columnOf[x] = (int)((long)x * size.Width / sourceWidth);
            columnCount[columnOf[x]]++;
        }

        sums = new long[size.Width * 4];
        averaged = new byte[size.Width * 4];
        targetHeight = size.Height;
        target = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (target.GetPixels() == IntPtr.Zero || target.RowBytes != averaged.Length)
        {
            // Flush copies into this memory by raw pointer: it must exist and have the layout counted here.
            target.Dispose();
            throw new InsufficientMemoryException($"No {size.Width}x{size.Height} bitmap could be allocated.");
        }
    }

    public int SourceWidth => sourceWidth;

    public int SourceHeight => sourceHeight;

    /// <summary>Bytes besides the target bitmap: a source row, the column map and a target row's sums.</summary>
    public static long WorkingBytes(int sourceWidth, int targetWidth) => (8L * sourceWidth) + (targetWidth * ((4L * sizeof(long)) + 4 + 4));

    /// <summary>Adds source row <paramref name="sourceRow"/>; rows come in order, top-down or bottom-up.</summary>
    public void Add(int sourceRow, ReadOnlySpan<byte> rgba)
    {
        // The one check that keeps Flush's raw copy inside the bitmap, whatever a decoder hands over.
        ArgumentOutOfRangeException.ThrowIfNegative(sourceRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sourceRow, sourceHeight);
        ArgumentOutOfRangeException.ThrowIfLessThan((long)rgba.Length, 4L * sourceWidth, nameof(rgba));
        var targetRow = (int)((long)sourceRow * targetHeight / sourceHeight);
        if (targetRow != row && rowsSummed > 0)
        {
            Flush();
        }

        row = targetRow;
        rowsSummed++;
        for (var x = 0; x < sourceWidth; x++)
        {
            var (source, sum) = (x * 4, columnOf[x] * 4);
            sums[sum] += rgba[source];
            sums[sum + 1] += rgba[source + 1];
            sums[sum + 2] += rgba[source + 2];
            sums[sum + 3] += rgba[source + 3];
        }
    }

    /// <summary>The shrunk image, which the caller then owns.</summary>
    public SKBitmap Finish()
    {
        if (rowsSummed > 0)
        {
            Flush();
        }

        var result = target ?? throw new InvalidOperationException("The sampler has already handed out its image.");
        target = null;
        return result;
    }

    /// <summary>Frees the image unless <see cref="Finish"/> handed it out (a decode that failed half-way).</summary>
    public void Dispose() => target?.Dispose();

    /// <summary>Writes the current target row: each box's sum divided by its pixel count, rounded.</summary>
    private void Flush()
    {
        for (var i = 0; i < sums.Length; i++)
        {
            var count = (long)columnCount[i / 4] * rowsSummed;
            averaged[i] = (byte)((sums[i] + (count / 2)) / count);
        }

        Marshal.Copy(averaged, 0, target!.GetPixels() + (row * target.RowBytes), averaged.Length);
        Array.Clear(sums);
        rowsSummed = 0;
    }
}
