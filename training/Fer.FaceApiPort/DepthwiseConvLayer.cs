using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.FaceApiPort;

/// <summary>face-api's <c>depthwiseConvLayer</c>: a 3x3 depthwise 'same' convolution, batch norm (epsilon 1e-3), relu6.</summary>
public sealed class DepthwiseConvLayer : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    /// <summary>The epsilon face-api passes to tf.batchNorm (0.001 as a float32).</summary>
    public const double BatchNormEpsilon = 0.0010000000474974513;

    private readonly TfSameConv2d conv;
    private readonly BatchNorm2d norm;
    private readonly ReLU6 relu6;

    public DepthwiseConvLayer(long channels, long stride, long inputSize)
        : base(nameof(DepthwiseConvLayer))
    {
        conv = new TfSameConv2d(channels, channels, 3, stride, inputSize, bias: false, groups: channels);
        norm = nn.BatchNorm2d(channels, eps: BatchNormEpsilon);
        relu6 = nn.ReLU6();
        RegisterComponents();
    }

    public long OutputSize => conv.OutputSize;

    public Conv2d Conv => conv.Conv;

    public BatchNorm2d Norm => norm;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return relu6.call(norm.call(conv.call(input))).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var convolved = context.Emit(conv, "conv", input);
        return context.Emit(relu6, "relu6", context.Emit(norm, "norm", convolved));
    }
}
