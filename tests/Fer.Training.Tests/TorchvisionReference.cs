using Fer.Training.Model;

namespace Fer.Training.Tests;

/// <summary>
/// torchvision's ResNet definition written out independently of the model code: the parameter and
/// buffer names of its state dict and its parameter counts, derived layer by layer.
/// </summary>
public static class TorchvisionReference
{
    private static readonly int[] Widths = [64, 128, 256, 512];

    /// <summary>State-dict keys of torchvision's resnetNN (parameters and BatchNorm buffers), head included.</summary>
    public static IReadOnlyList<string> StateDictKeys(ResNetDepth depth)
    {
        var keys = new List<string> { "conv1.weight" };
        keys.AddRange(BatchNorm("bn1"));
        var bottleneck = depth == ResNetDepth.ResNet50;
        var blocks = Blocks(depth);
        var inChannels = 64;
        for (var stage = 0; stage < 4; stage++)
        {
            for (var block = 0; block < blocks[stage]; block++)
            {
                var prefix = $"layer{stage + 1}.{block}";
                var convs = bottleneck ? 3 : 2;
                for (var c = 1; c <= convs; c++)
                {
                    keys.Add($"{prefix}.conv{c}.weight");
                    keys.AddRange(BatchNorm($"{prefix}.bn{c}"));
                }

                var outChannels = Widths[stage] * (bottleneck ? 4 : 1);
                var stride = block == 0 && stage > 0 ? 2 : 1;
                if (block == 0 && (stride != 1 || inChannels != outChannels))
                {
                    keys.Add($"{prefix}.downsample.0.weight");
                    keys.AddRange(BatchNorm($"{prefix}.downsample.1"));
                }

                inChannels = outChannels;
            }
        }

        keys.Add("fc.weight");
        keys.Add("fc.bias");
        return keys;
    }

    /// <summary>Trainable parameters of torchvision's resnetNN with a <paramref name="classes"/>-way head.</summary>
    public static long ParameterCount(ResNetDepth depth, int classes)
    {
        var bottleneck = depth == ResNetDepth.ResNet50;
        long count = Conv(3, 64, 7) + Norm(64);
        var blocks = Blocks(depth);
        long inChannels = 64;
        for (var stage = 0; stage < 4; stage++)
        {
            long width = Widths[stage];
            for (var block = 0; block < blocks[stage]; block++)
            {
                var outChannels = width * (bottleneck ? 4 : 1);
                count += bottleneck
                    ? Conv(inChannels, width, 1) + Norm(width) + Conv(width, width, 3) + Norm(width) + Conv(width, outChannels, 1) + Norm(outChannels)
                    : Conv(inChannels, width, 3) + Norm(width) + Conv(width, width, 3) + Norm(width);
                var stride = block == 0 && stage > 0 ? 2 : 1;
                if (block == 0 && (stride != 1 || inChannels != outChannels))
                {
                    count += Conv(inChannels, outChannels, 1) + Norm(outChannels);
                }

                inChannels = outChannels;
            }
        }

        return count + (inChannels * classes) + classes;
    }

    /// <summary>Parameters of one CBAM on <paramref name="channels"/> channels: two bias-free 1x1 convs (ratio 16) and a bias-free 7x7 conv from 2 to 1 channel.</summary>
    public static long CbamParameterCount(long channels, int reduction = 16)
    {
        var hidden = channels / reduction;
        return (channels * hidden) + (hidden * channels) + (2 * 7 * 7);
    }

    private static int[] Blocks(ResNetDepth depth) => depth == ResNetDepth.ResNet18 ? [2, 2, 2, 2] : [3, 4, 6, 3];

    private static long Conv(long inChannels, long outChannels, long kernel) => inChannels * outChannels * kernel * kernel;

    private static long Norm(long channels) => 2 * channels;

    private static IEnumerable<string> BatchNorm(string prefix) =>
        [$"{prefix}.weight", $"{prefix}.bias", $"{prefix}.running_mean", $"{prefix}.running_var", $"{prefix}.num_batches_tracked"];
}
