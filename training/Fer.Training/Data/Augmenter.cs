using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Data;

/// <summary>
/// Applies <see cref="AugmentationOptions"/> to a batch of images in [0,255], shape [B,3,S,S], in
/// the seed's order: colour jitter, horizontal flip, rotation (nearest, zero fill, as torchvision).
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

        if (options.RotationDegrees > 0)
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
            }

            var grid = nn.functional.affine_grid(tensor(theta).view(n, 2, 3), x.shape, align_corners: false);
            x = nn.functional.grid_sample(x, grid, mode: GridSampleMode.Nearest, padding_mode: GridSamplePaddingMode.Zeros, align_corners: false);
        }

        return x.MoveToOuterDisposeScope();
    }

    private static Tensor Factors(int n, double strength, Random random) =>
        tensor(Enumerable.Range(0, n).Select(_ => (float)(1 + (((random.NextDouble() * 2) - 1) * strength))).ToArray()).view(n, 1, 1, 1);
}
