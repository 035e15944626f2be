using Fer.Training.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.Training.Model;

/// <summary>torchvision's BasicBlock (ResNet-18/34), with an optional CBAM before the addition.</summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    public const int Expansion = 1;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;
    private readonly Cbam? cbam;

    public BasicBlock(long inChannels, long width, long stride, bool withCbam, int cbamReduction)
        : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inChannels, width, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(width);
        relu = nn.ReLU();
        conv2 = nn.Conv2d(width, width, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(width);
        downsample = ResidualBlocks.Downsample(inChannels, width, stride);
        cbam = withCbam ? new Cbam(width, cbamReduction) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var output = relu.call(bn1.call(conv1.call(input)));
        output = bn2.call(conv2.call(output));
        if (cbam is not null)
        {
            output = cbam.call(output);
        }

        var identity = downsample is null ? input : downsample.call(input);
        return relu.call(output.add(identity)).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        var output = context.Emit(relu, "relu", context.Emit(bn1, "bn1", context.Emit(conv1, "conv1", input)));
        output = context.Emit(bn2, "bn2", context.Emit(conv2, "conv2", output));
        if (cbam is not null)
        {
            output = context.Emit(cbam, "cbam", output);
        }

        var identity = downsample is null ? input : context.Emit(downsample, "downsample", input);
        return context.Emit(relu, "relu", context.Graph.Node("Add", [output, identity]));
    }
}
