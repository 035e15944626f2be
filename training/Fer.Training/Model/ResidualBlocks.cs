using TorchSharp;
using TorchSharp.Modules;

namespace Fer.Training.Model;

/// <summary>Pieces shared by both residual block kinds.</summary>
internal static class ResidualBlocks
{
    /// <summary>torchvision's projection shortcut: 1x1 convolution (with the stride) and BatchNorm, named 0 and 1.</summary>
    public static Sequential? Downsample(long inChannels, long outChannels, long stride) =>
        stride == 1 && inChannels == outChannels
            ? null
            : torch.nn.Sequential(
                ("0", torch.nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)),
                ("1", torch.nn.BatchNorm2d(outChannels)));
}
