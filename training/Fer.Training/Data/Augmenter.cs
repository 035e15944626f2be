using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Data;

/// <summary>
/// Applies <see cref="AugmentationOptions"/> to a batch of images in [0,255], shape [B,3,S,S], in
/// the seed's order: colour jitter, horizontal flip, rotation (nearest, zero fill, as torchvision);
/// then the optional parts the seed did not have: translation (in the same resampling as the rotation)
/// and random erasing.
/// Random parameters come from a seeded <see cref="Random"/>, so a run is reproducible.
/// </summary>
public static class Augmenter
{
    public static Tensor Apply(Tensor batch, AugmentationOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        using var scope = NewDisposeScope();
        var n = (int)batch.shape[0];
        var x = batch;
        if (options.Brightness > 0)
        {
            x = (x * Factors(n, options.Brightness, random)).clamp(0, 255);
        }

        if (options.Contrast > 0)
        {
            // torchvision: blend with the mean of the image's greyscale version.
            var gray = (x[.., 0] * 0.299) + (x[.., 1] * 0.587) + (x[.., 2] * 0.114);
            var mean = gray.mean([1, 2], keepdim: true).unsqueeze(1);
            var factor = Factors(n, options.Contrast, random);
            x = ((x * factor) + (mean * (1 - factor))).clamp(0, 255);
        }

        if (options.HorizontalFlip)
        {
            var flip = tensor(Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.5).ToArray()).view(n, 1, 1, 1);
            x = where(flip, x.flip(3), x);
        }

        if (options.RotationDegrees > 0 || options.TranslateFraction > 0)
        {
            var theta = new float[n * 6];
            for (var i = 0; i < n; i++)
            {
                var radians = ((random.NextDouble() * 2) - 1) * options.RotationDegrees * Math.PI / 180;
                var (sin, cos) = ((float)Math.Sin(radians), (float)Math.Cos(radians));
                theta[(i * 6) + 0] = cos;
                theta[(i * 6) + 1] = -sin;
                theta[(i * 6) + 3] = sin;
                theta[(i * 6) + 4] = cos;

                // affine_grid works in [-1, 1]: a shift of f * S pixels is 2f there.
                theta[(i * 6) + 2] = (float)(((random.NextDouble() * 2) - 1) * options.TranslateFraction * 2);
                theta[(i * 6) + 5] = (float)(((random.NextDouble() * 2) - 1) * options.TranslateFraction * 2);
            }

            var grid = nn.functional.affine_grid(tensor(theta).view(n, 2, 3), x.shape, align_corners: false);
            x = nn.functional.grid_sample(x, grid, mode: GridSampleMode.Nearest, padding_mode: GridSamplePaddingMode.Zeros, align_corners: false);
        }

        if (options.ErasingProbability > 0)
        {
            x = Erase(x, options.ErasingProbability, random);
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>RandomErasing: per image, with probability p, one rectangle of 2-33 % of the area and aspect 0.3-3.3 set to the image's mean grey.</summary>
    private static Tensor Erase(Tensor x, double probability, Random random)
    {
        var (n, height, width) = ((int)x.shape[0], (int)x.shape[2], (int)x.shape[3]);
        var mask = new bool[n * height * width];
        for (var i = 0; i < n; i++)
        {
            if (random.NextDouble() >= probability)
            {
                continue;
            }

            var area = height * width * (0.02 + (random.NextDouble() * 0.31));
            var aspect = Math.Exp(Math.Log(0.3) + (random.NextDouble() * (Math.Log(3.3) - Math.Log(0.3))));
            var h = Math.Clamp((int)Math.Round(Math.Sqrt(area * aspect)), 1, height);
            var w = Math.Clamp((int)Math.Round(Math.Sqrt(area / aspect)), 1, width);
            var (top, left) = (random.Next(height - h + 1), random.Next(width - w + 1));
            for (var row = top; row < top + h; row++)
            {
                Array.Fill(mask, true, (i * height * width) + (row * width) + left, w);
            }
        }

        var fill = x.mean([1, 2, 3], keepdim: true).expand_as(x);
        return where(tensor(mask).view(n, 1, height, width).expand_as(x), fill, x);
    }

    private static Tensor Factors(int n, double strength, Random random) =>
        tensor(Enumerable.Range(0, n).Select(_ => (float)(1 + (((random.NextDouble() * 2) - 1) * strength))).ToArray()).view(n, 1, 1, 1);
}
