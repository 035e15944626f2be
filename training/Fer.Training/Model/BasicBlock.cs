using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.Training.Model;

/// <summary>torchvision's BasicBlock (ResNet-18/34): two 3x3 convolutions, the first with the stride.</summary>
public sealed class BasicBlock(long inChannels, long width, long stride, bool withCbam, int cbamReduction)
    : ResidualBlock(nameof(BasicBlock), inChannels, width * Expansion, stride, withCbam, cbamReduction)
{
    public const int Expansion = 1;

    private readonly Conv2d conv1 = nn.Conv2d(inChannels, width, 3, stride: stride, padding: 1, bias: false);
    private readonly BatchNorm2d bn1 = nn.BatchNorm2d(width);
    private readonly Conv2d conv2 = nn.Conv2d(width, width, 3, padding: 1, bias: false);
    private readonly BatchNorm2d bn2 = nn.BatchNorm2d(width);

    private protected override Tensor Branch(Tensor input) =>
        bn2.call(conv2.call(relu.call(bn1.call(conv1.call(input)))));

    private protected override string EmitBranch(OnnxExportContext context, string input)
    {
        var output = context.Emit(relu, "relu", context.Emit(bn1, "bn1", context.Emit(conv1, "conv1", input)));
        return context.Emit(bn2, "bn2", context.Emit(conv2, "conv2", output));
    }
}
