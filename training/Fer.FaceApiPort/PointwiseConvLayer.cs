using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.FaceApiPort;

/// <summary>
/// face-api's <c>pointwiseConvLayer</c>: a 'same' convolution whose batch norm is folded into a bias
/// (<c>convolution_bn_offset</c>), then relu6. Despite the name, the SSD head uses it with 3x3 kernels too.
/// </summary>
public sealed class PointwiseConvLayer : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly TfSameConv2d conv;
    private readonly ReLU6 relu6;

    public PointwiseConvLayer(long inChannels, long outChannels, long kernelSize, long stride, long inputSize)
        : base(nameof(PointwiseConvLayer))
    {
        conv = new TfSameConv2d(inChannels, outChannels, kernelSize, stride, inputSize, bias: true);
        relu6 = nn.ReLU6();
        RegisterComponents();
    }

    public long OutputSize => conv.OutputSize;

    public Conv2d Conv => conv.Conv;

    public override Tensor forward(Tensor input)
    {
        using var convolved = conv.call(input);
        return relu6.call(convolved);
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Emit(relu6, "relu6", context.Emit(conv, "conv", input));
    }
}
