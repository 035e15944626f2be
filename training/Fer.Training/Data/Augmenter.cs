using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Data;

/// <summary>
/// Applies <see cref="AugmentationOptions"/> to a batch of images in [0,255], shape [B,3,S,S], in
/// the seed's order: colour jitter, horizontal flip, rotation (nearest, zero fill, as torchvision);
/// then the optional parts the seed did not have: translation and zoom (in the same resampling as the
/// rotation), blur by shrinking and enlarging, grey-level noise and random erasing.
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

        if (options.RotationDegrees > 0 || options.TranslateFraction > 0 || options.ScaleFraction > 0)
        {
            var theta = new float[n * 6];
            for (var i = 0; i < n; i++)
            {
                var radians = ((random.NextDouble() * 2) - 1) * options.RotationDegrees * Math.PI / 180;
                // affine_grid maps output to input coordinates: zooming in by z samples a region 1/z as wide.
                // Drawn only when asked for, so that runs without zoom keep their seed's sequence of angles and shifts.
                var zoom = options.ScaleFraction > 0 ? 1 + (((random.NextDouble() * 2) - 1) * options.ScaleFraction) : 1;
                var (sin, cos) = ((float)(Math.Sin(radians) / zoom), (float)(Math.Cos(radians) / zoom));
                theta[(i * 6) + 0] = cos;
                theta[(i * 6) + 1] = -sin;
                theta[(i * 6) + 3] = sin;
                theta[(i * 6) + 4] = cos;

                // affine_grid works in [-1, 1]: a shift of f * S pixels is 2f there.
                theta[(i * 6) + 2] = (float)(((random.NextDouble() * 2) - 1) * options.TranslateFraction * 2);
                theta[(i * 6) + 5] = (float)(((random.NextDouble() * 2) - 1) * options.TranslateFraction * 2);
            }

            var grid = nn.functional.affine_grid(tensor(theta).view(n, 2, 3), x.shape, align_corners: false);
            var padding = options.EdgeFill ? GridSamplePaddingMode.Border : GridSamplePaddingMode.Zeros;
            x = nn.functional.grid_sample(x, grid, mode: GridSampleMode.Nearest, padding_mode: padding, align_corners: false);
        }

        if (options.BlurProbability > 0)
        {
            x = ShrinkAndEnlarge(x, options.BlurProbability, random);
        }

        if (options.NoiseStd > 0)
        {
            x = (x + GreyNoise(x, options.NoiseStd, random)).clamp(0, 255);
        }

        if (options.ErasingProbability > 0)
        {
            x = Erase(x, options.ErasingProbability, random);
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Per image, with probability p: bilinear down to 25-75 % of the side, then back up (loses detail as a small face does).</summary>
    private static Tensor ShrinkAndEnlarge(Tensor x, double probability, Random random)
    {
        var (n, size) = ((int)x.shape[0], x.shape[2]);
        var images = new Tensor[n];
        for (var i = 0; i < n; i++)
        {
            images[i] = x[i..(i + 1)];
            if (random.NextDouble() < probability)
            {
                var small = Math.Max(8, (long)Math.Round(size * (0.25 + (random.NextDouble() * 0.5))));
                var shrunk = nn.functional.interpolate(images[i], [small, small], mode: InterpolationMode.Area);
                images[i] = nn.functional.interpolate(shrunk, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
            }
        }

        return cat(images, 0);
    }

    /// <summary>The same Gaussian noise on every channel (the faces are grey), with a standard deviation per image drawn from [0, max].</summary>
    private static Tensor GreyNoise(Tensor x, double maxStd, Random random)
    {
        var (n, height, width) = ((int)x.shape[0], (int)x.shape[2], (int)x.shape[3]);
        var noise = new float[n * height * width];
        for (var i = 0; i < n; i++)
        {
            var std = random.NextDouble() * maxStd;
            for (var p = i * height * width; p < (i + 1) * height * width; p++)
            {
                // Box-Muller from the run's seeded generator, so a run stays reproducible.
                var u = 1 - random.NextDouble();
                noise[p] = (float)(std * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }
        }

        return tensor(noise).view(n, 1, height, width).expand_as(x);
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
