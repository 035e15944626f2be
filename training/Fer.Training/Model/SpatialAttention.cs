using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.Training.Model;

/// <summary>
/// CBAM spatial attention: channel-wise mean and max, concatenated in that order, a 7x7
/// convolution (padding 3, no bias), sigmoid, multiplied into the input.
/// </summary>
public sealed class SpatialAttention : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d conv1;

    public SpatialAttention(int kernelSize = 7)
        : base(nameof(SpatialAttention))
    {
        conv1 = nn.Conv2d(2, 1, kernelSize, padding: kernelSize / 2, bias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var mean = input.mean([1], keepdim: true);
        var max = input.amax([1], keepdim: true);
        var weights = conv1.call(cat([mean, max], 1)).sigmoid();
        return input.mul(weights).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        var graph = context.Graph;
        var mean = graph.Node("ReduceMean", [input], attributes: [OnnxAttributeValue.OfInts("axes", 1), OnnxAttributeValue.OfInt("keepdims", 1)]);
        var max = graph.Node("ReduceMax", [input], attributes: [OnnxAttributeValue.OfInts("axes", 1), OnnxAttributeValue.OfInt("keepdims", 1)]);
        var both = graph.Node("Concat", [mean, max], attributes: [OnnxAttributeValue.OfInt("axis", 1)]);
        var weights = graph.Node("Sigmoid", [context.Emit(conv1, "conv1", both)]);
        return graph.Node("Mul", [input, weights]);
    }
}
