using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.Training.Model;

/// <summary>
/// CBAM channel attention: average- and max-pooled descriptors through one shared two-layer MLP
/// (1x1 convolutions without bias, ReLU between), summed, sigmoid, multiplied into the input.
/// </summary>
public sealed class ChannelAttention : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d fc1;
    private readonly ReLU relu;
    private readonly Conv2d fc2;

    public ChannelAttention(long channels, int reduction)
        : base(nameof(ChannelAttention))
    {
        var hidden = Math.Max(1, channels / reduction);
        fc1 = nn.Conv2d(channels, hidden, 1, bias: false);
        relu = nn.ReLU();
        fc2 = nn.Conv2d(hidden, channels, 1, bias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var avg = fc2.call(relu.call(fc1.call(nn.functional.adaptive_avg_pool2d(input, 1))));
        var max = fc2.call(relu.call(fc1.call(nn.functional.adaptive_max_pool2d(input, [1L, 1L]))));
        return input.mul(avg.add(max).sigmoid()).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        string Mlp(string pooled) =>
            context.Emit(fc2, "fc2", context.Emit(relu, "relu", context.Emit(fc1, "fc1", pooled)));

        var avg = Mlp(context.Graph.Node("GlobalAveragePool", [input]));
        var max = Mlp(context.Graph.Node("GlobalMaxPool", [input]));
        var weights = context.Graph.Node("Sigmoid", [context.Graph.Node("Add", [avg, max])]);
        return context.Graph.Node("Mul", [input, weights]);
    }
}
