using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.Training.Model;

/// <summary>
/// torchvision's Bottleneck (ResNet v1.5: the stride sits on the 3x3 convolution): 1x1 down to
/// <c>width</c>, 3x3, 1x1 up to <c>width * 4</c>.
/// </summary>
public sealed class Bottleneck(long inChannels, long width, long stride, bool withCbam, int cbamReduction)
    : ResidualBlock(nameof(Bottleneck), inChannels, width * Expansion, stride, withCbam, cbamReduction)
{
    public const int Expansion = 4;

    private readonly Conv2d conv1 = nn.Conv2d(inChannels, width, 1, bias: false);
    private readonly BatchNorm2d bn1 = nn.BatchNorm2d(width);
    private readonly Conv2d conv2 = nn.Conv2d(width, width, 3, stride: stride, padding: 1, bias: false);
    private readonly BatchNorm2d bn2 = nn.BatchNorm2d(width);
    private readonly Conv2d conv3 = nn.Conv2d(width, width * Expansion, 1, bias: false);
    private readonly BatchNorm2d bn3 = nn.BatchNorm2d(width * Expansion);

    private protected override Tensor Branch(Tensor input)
    {
        var output = relu.call(bn1.call(conv1.call(input)));
        output = relu.call(bn2.call(conv2.call(output)));
        return bn3.call(conv3.call(output));
    }

    private protected override string EmitBranch(OnnxExportContext context, string input)
    {
        var output = context.Emit(relu, "relu", context.Emit(bn1, "bn1", context.Emit(conv1, "conv1", input)));
        output = context.Emit(relu, "relu", context.Emit(bn2, "bn2", context.Emit(conv2, "conv2", output)));
        return context.Emit(bn3, "bn3", context.Emit(conv3, "conv3", output));
    }
}
