using Fer.Training.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.Training.Model;

/// <summary>
/// torchvision's Bottleneck (ResNet v1.5: the stride sits on the 3x3 convolution), with an optional
/// CBAM on the residual branch before the addition.
/// </summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly ReLU relu;
    private readonly Sequential? downsample;
    private readonly Cbam? cbam;

    public Bottleneck(long inChannels, long width, long stride, bool withCbam, int cbamReduction)
        : base(nameof(Bottleneck))
    {
        var outChannels = width * Expansion;
        conv1 = nn.Conv2d(inChannels, width, 1, bias: false);
        bn1 = nn.BatchNorm2d(width);
        conv2 = nn.Conv2d(width, width, 3, stride: stride, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(width);
        conv3 = nn.Conv2d(width, outChannels, 1, bias: false);
        bn3 = nn.BatchNorm2d(outChannels);
        relu = nn.ReLU();
        downsample = ResidualBlocks.Downsample(inChannels, outChannels, stride);
        cbam = withCbam ? new Cbam(outChannels, cbamReduction) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var output = relu.call(bn1.call(conv1.call(input)));
        output = relu.call(bn2.call(conv2.call(output)));
        output = bn3.call(conv3.call(output));
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
        output = context.Emit(relu, "relu", context.Emit(bn2, "bn2", context.Emit(conv2, "conv2", output)));
        output = context.Emit(bn3, "bn3", context.Emit(conv3, "conv3", output));
        if (cbam is not null)
        {
            output = context.Emit(cbam, "cbam", output);
        }

        var identity = downsample is null ? input : context.Emit(downsample, "downsample", input);
        return context.Emit(relu, "relu", context.Graph.Node("Add", [output, identity]));
    }
}
