using Fer.Training.Data;
using static TorchSharp.torch;

namespace Fer.Training.Tests;

public sealed class AugmentationTests
{
    [Fact]
    public void Every_augmentation_keeps_shape_and_the_pixel_range()
    {
        using var batch = rand(8, 3, 24, 24).mul(255);

        using var augmented = Augmenter.Apply(batch, new AugmentationOptions(), new Random(1));

        Assert.Equal(batch.shape, augmented.shape);
        Assert.True(augmented.min().item<float>() >= 0);
        Assert.True(augmented.max().item<float>() <= 255);
        Assert.False(augmented.equal(batch).all().item<bool>());
    }

    [Fact]
    public void Flip_alone_mirrors_images_exactly_or_leaves_them()
    {
        using var batch = rand(16, 3, 8, 8).mul(255);

        using var flipped = Augmenter.Apply(batch, AugmentationOptions.None with { HorizontalFlip = true }, new Random(2));

        var mirrored = 0;
        for (var i = 0; i < 16; i++)
        {
            var same = flipped[i].equal(batch[i]).all().item<bool>();
            var mirror = flipped[i].equal(batch[i].flip(2)).all().item<bool>();
            Assert.True(same || mirror);
            mirrored += mirror ? 1 : 0;
        }

        Assert.InRange(mirrored, 1, 15);
    }

    [Fact]
    public void Rotation_fills_corners_with_zero_and_keeps_the_centre()
    {
        using var batch = ones(4, 3, 33, 33).mul(200);

        using var rotated = Augmenter.Apply(batch, AugmentationOptions.None with { RotationDegrees = 10 }, new Random(3));

        Assert.Equal(200f, rotated[.., .., 16, 16].min().item<float>());
        Assert.True(rotated[.., .., 0, 0].max().item<float>() < 200 || rotated[.., .., 32, 32].max().item<float>() < 200);
    }

    [Fact]
    public void No_augmentation_is_the_identity()
    {
        using var batch = rand(2, 3, 8, 8).mul(255);
        using var same = Augmenter.Apply(batch, AugmentationOptions.None, new Random(4));
        Assert.True(same.equal(batch).all().item<bool>());
    }

    [Fact]
    public void Translation_moves_the_image_and_fills_with_zero()
    {
        using var batch = zeros(8, 3, 32, 32);
        batch[.., .., 8..24, 8..24] = tensor(255f);

        using var shifted = Augmenter.Apply(batch, AugmentationOptions.None with { TranslateFraction = 0.2 }, new Random(5));

        Assert.Equal(batch.shape, shifted.shape);
        using var moved = shifted.ne(batch).flatten(1).any(1);
        Assert.True(moved.sum().item<long>() >= 6, "most images move");
        using var brightPerImage = shifted.gt(0).flatten(1).sum(1);
        Assert.True(brightPerImage.le(3 * 16 * 16).all().item<bool>(), "nothing bright appears from outside");
    }

    [Fact]
    public void Random_erasing_sets_one_rectangle_per_chosen_image_to_its_mean()
    {
        using var generator = new Generator(6);
        using var batch = rand([64, 3, 32, 32], generator: generator).mul_(255);

        using var erased = Augmenter.Apply(batch, AugmentationOptions.None with { ErasingProbability = 0.5 }, new Random(7));

        using var changed = erased.ne(batch).any(1).flatten(1);
        var changedPerImage = changed.sum(1).data<long>().ToArray();
        var hit = changedPerImage.Count(c => c > 0);
        Assert.InRange(hit, 20, 44); // about half of 64
        Assert.All(changedPerImage.Where(c => c > 0), c => Assert.InRange(c, (long)(0.01 * 1024), (long)(0.34 * 1024)));
        Assert.True(erased.min().item<float>() >= 0 && erased.max().item<float>() <= 255);
    }

    [Fact]
    public void Photo_augmentations_keep_shape_and_range_and_change_the_images()
    {
        using var batch = rand(8, 3, 24, 24).mul(255);
        var options = AugmentationOptions.None with { ScaleFraction = 0.2, EdgeFill = true, BlurProbability = 1, NoiseStd = 8 };

        using var augmented = Augmenter.Apply(batch, options, new Random(4));

        Assert.Equal(batch.shape, augmented.shape);
        Assert.InRange(augmented.min().item<float>(), 0, 255);
        Assert.InRange(augmented.max().item<float>(), 0, 255);
        Assert.False(augmented.equal(batch).all().item<bool>());
        Assert.True(options.Any);
    }

    [Fact]
    public void Edge_fill_leaves_no_black_border_after_zooming_out()
    {
        using var batch = full(4, 3, 16, 16, 200f);

        using var zeros = Augmenter.Apply(batch, AugmentationOptions.None with { ScaleFraction = 0.4 }, new Random(5));
        using var edges = Augmenter.Apply(batch, AugmentationOptions.None with { ScaleFraction = 0.4, EdgeFill = true }, new Random(5));

        Assert.True(zeros.min().item<float>() < 1, "zooming out with zero fill uncovers black");
        Assert.Equal(200f, edges.min().item<float>());
    }

    [Fact]
    public void Blur_by_shrinking_smooths_a_sharp_pattern_and_noise_is_the_same_on_every_channel()
    {
        var checker = new float[3 * 16 * 16];
        for (var i = 0; i < checker.Length; i++)
        {
            checker[i] = ((i % 16) + (i / 16 % 16)) % 2 == 0 ? 255 : 0;
        }

        using var batch = tensor(checker).view(1, 3, 16, 16);
        using var blurred = Augmenter.Apply(batch, AugmentationOptions.None with { BlurProbability = 1 }, new Random(6));
        using var noisy = Augmenter.Apply(full(1, 3, 8, 8, 128f), AugmentationOptions.None with { NoiseStd = 20 }, new Random(7));

        Assert.True(blurred.std().item<float>() < batch.std().item<float>() * 0.5, "detail is lost");
        Assert.True(noisy[0][0].equal(noisy[0][2]).all().item<bool>());
        Assert.False(noisy.eq(128f).all().item<bool>());
    }
}
