using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.FaceApiPort;

/// <summary>
/// A convolution with TensorFlow's 'same' padding for a known input size: symmetric padding stays inside the
/// convolution; asymmetric padding (more at the bottom and right) is an explicit zero pad before it, which the
/// exporter writes as an ONNX Pad. <paramref name="groups"/> equal to the channels makes it depthwise.
/// </summary>
public sealed class TfSameConv2d : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly ZeroPad2d? pad;
    private readonly Conv2d conv;

    public TfSameConv2d(long inChannels, long outChannels, long kernelSize, long stride, long inputSize, bool bias, long groups = 1)
        : base(nameof(TfSameConv2d))
    {
        var padding = TfSamePadding.For(inputSize, kernelSize, stride);
        OutputSize = padding.OutputSize;
        if (!padding.IsSymmetric)
        {
            pad = nn.ZeroPad2d((padding.Before, padding.After, padding.Before, padding.After));
        }

        conv = nn.Conv2d(inChannels, outChannels, kernelSize, stride, padding.IsSymmetric ? padding.Before : 0, groups: groups, bias: bias);
        RegisterComponents();
    }

    /// <summary>The spatial size of the output for the input size this layer was built for.</summary>
    public long OutputSize { get; }

    public Conv2d Conv => conv;

    public override Tensor forward(Tensor input)
    {
        if (pad is null)
        {
            return conv.call(input);
        }

        using var padded = pad.call(input);
        return conv.call(padded);
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var padded = pad is null ? input : context.Emit(pad, "pad", input);
        return context.Emit(conv, "conv", padded);
    }
}
