using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.FaceApiPort;

/// <summary>
/// face-api's <c>denseBlock4</c>: a stride-2 convolution (a plain 3x3 one in the first block, which sees RGB; a
/// separable one after), then three separable convolutions, each fed the rectified sum of all outputs before it;
/// the block returns the rectified sum of all four. out1 is rectified on its own, the others only inside the sums.
/// </summary>
public sealed class DenseBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> conv0;
    private readonly SeparableConvLayer conv1;
    private readonly SeparableConvLayer conv2;
    private readonly SeparableConvLayer conv3;

    public DenseBlock(long inChannels, long outChannels, long inputSize, bool isFirst)
        : base(nameof(DenseBlock))
    {
        if (isFirst)
        {
            var plain = new TfSameConv2d(inChannels, outChannels, 3, 2, inputSize, bias: true);
            OutputSize = plain.OutputSize;
            conv0 = plain;
        }
        else
        {
            var separable = new SeparableConvLayer(inChannels, outChannels, 2, inputSize);
            OutputSize = separable.OutputSize;
            conv0 = separable;
        }

        conv1 = new SeparableConvLayer(outChannels, outChannels, 1, OutputSize);
        conv2 = new SeparableConvLayer(outChannels, outChannels, 1, OutputSize);
        conv3 = new SeparableConvLayer(outChannels, outChannels, 1, OutputSize);
        RegisterComponents();
    }

    public long OutputSize { get; }

    /// <summary>The first convolution: <see cref="TfSameConv2d"/> in the first block, <see cref="SeparableConvLayer"/> after.</summary>
    public nn.Module<Tensor, Tensor> Conv0 => conv0;

    public SeparableConvLayer Conv(int index) => index switch
    {
        1 => conv1,
        2 => conv2,
        3 => conv3,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "Separable convolutions 1..3 follow conv0."),
    };

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var out1 = nn.functional.relu(conv0.call(input));
        var out2 = conv1.call(out1);
        var out3 = conv2.call(nn.functional.relu(out1 + out2));
        var out4 = conv3.call(nn.functional.relu(out1 + (out2 + out3)));
        return nn.functional.relu(out1 + (out2 + (out3 + out4))).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var graph = context.Graph;
        string Add(string a, string b) => graph.Node("Add", [a, b]);
        string Relu(string x) => graph.Node("Relu", [x]);

        var out1 = Relu(context.Emit(conv0, "conv0", input));
        var out2 = context.Emit(conv1, "conv1", out1);
        var out3 = context.Emit(conv2, "conv2", Relu(Add(out1, out2)));
        var out4 = context.Emit(conv3, "conv3", Relu(Add(out1, Add(out2, out3))));
        return Relu(Add(out1, Add(out2, Add(out3, out4))));
    }
}
