using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.FaceApiPort;

/// <summary>
/// face-api's <c>depthwiseSeparableConv</c> (tf.separableConv2d, 'same', then a bias): a 3x3 depthwise convolution
/// without bias, a 1x1 pointwise convolution with the bias. No activation: the dense block adds and rectifies.
/// </summary>
public sealed class SeparableConvLayer : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly TfSameConv2d depthwise;
    private readonly Conv2d pointwise;

    public SeparableConvLayer(long inChannels, long outChannels, long stride, long inputSize)
        : base(nameof(SeparableConvLayer))
    {
        depthwise = new TfSameConv2d(inChannels, inChannels, 3, stride, inputSize, bias: false, groups: inChannels);
        pointwise = nn.Conv2d(inChannels, outChannels, 1, bias: true);
        RegisterComponents();
    }

    public long OutputSize => depthwise.OutputSize;

    public Conv2d Depthwise => depthwise.Conv;

    public Conv2d Pointwise => pointwise;

    public override Tensor forward(Tensor input)
    {
        using var filtered = depthwise.call(input);
        return pointwise.call(filtered);
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Emit(pointwise, "pointwise", context.Emit(depthwise, "depthwise", input));
    }
}
