using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.Training.Model;

/// <summary>
/// What torchvision's residual blocks share: a convolution branch (the subclass's), an optional CBAM
/// on that branch, the identity (projected when the shape changes) added to it, then ReLU.
/// </summary>
/// <remarks>
/// Subclasses create their layers in field initializers, which C# runs before this constructor, so the
/// branch is built before the shortcut and CBAM as it always was, and is there for RegisterComponents.
/// Field names are the state-dict keys (conv1, relu, downsample, cbam): renaming one breaks saved weights.
/// </remarks>
public abstract class ResidualBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // Not private: RegisterComponents only sees the fields of a base class that the subclass can see.
    private protected readonly ReLU relu;
    private protected readonly Sequential? downsample;
    private protected readonly Cbam? cbam;

    private protected ResidualBlock(string name, long inChannels, long outChannels, long stride, bool withCbam, int cbamReduction)
        : base(name)
    {
        relu = nn.ReLU();
        downsample = stride == 1 && inChannels == outChannels ? null : Projection(inChannels, outChannels, stride);
        cbam = withCbam ? new Cbam(outChannels, cbamReduction) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var output = Branch(input);
        if (cbam is not null)
        {
            output = cbam.call(output);
        }

        var identity = downsample is null ? input : downsample.call(input);
        return relu.call(output.add(identity)).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        var output = EmitBranch(context, input);
        if (cbam is not null)
        {
            output = context.Emit(cbam, "cbam", output);
        }

        var identity = downsample is null ? input : context.Emit(downsample, "downsample", input);
        return context.Emit(relu, "relu", context.Graph.Node("Add", [output, identity]));
    }

    /// <summary>The convolutions up to (not including) the addition.</summary>
    private protected abstract Tensor Branch(Tensor input);

    /// <summary>The ONNX nodes of <see cref="Branch"/>, with the same child names.</summary>
    private protected abstract string EmitBranch(OnnxExportContext context, string input);

    /// <summary>torchvision's projection shortcut: 1x1 convolution (with the stride) and BatchNorm, named 0 and 1.</summary>
    private static Sequential Projection(long inChannels, long outChannels, long stride) =>
        nn.Sequential(
            ("0", nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)),
            ("1", nn.BatchNorm2d(outChannels)));
}
