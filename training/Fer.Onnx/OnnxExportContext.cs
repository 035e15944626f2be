using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.Onnx;

/// <summary>
/// Walks a module tree and emits ONNX nodes. Our own modules describe themselves through
/// <see cref="IOnnxExportable"/>; a fixed list of TorchSharp layers is translated here; any other
/// module type is refused by name and path rather than exported as a wrong graph.
/// </summary>
public sealed class OnnxExportContext
{
    private readonly Stack<string> path = new();

    public OnnxExportContext(OnnxGraph graph)
    {
        Graph = graph;
    }

    public OnnxGraph Graph { get; }

    /// <summary>The dotted path of the module being emitted, as in a state dict ("layer1.0.conv1").</summary>
    public string CurrentPath => string.Join('.', path.Reverse());

    /// <summary>Emits <paramref name="module"/> (a child named <paramref name="name"/> of the current module).</summary>
    public string Emit(nn.Module module, string name, string input)
    {
        ArgumentNullException.ThrowIfNull(module);
        path.Push(name);
        try
        {
            return module switch
            {
                IOnnxExportable exportable => exportable.EmitOnnx(this, input),
                Sequential sequential => EmitSequential(sequential, input),
                Conv2d conv => EmitConv(conv, input),
                BatchNorm2d norm => EmitBatchNorm(norm, input),
                Linear linear => EmitLinear(linear, input),
                ReLU => Graph.Node("Relu", [input]),
                ReLU6 => EmitClip(0, 6, input),
                ZeroPad2d pad => EmitZeroPad(pad, input),
                MaxPool2d pool => EmitMaxPool(pool, input),
                AdaptiveAvgPool2d pool => EmitAdaptiveAvgPool(pool, input),
                Dropout => input, // eval mode: identity
                _ => throw Unsupported(module, "no ONNX translation is defined for this module type"),
            };
        }
        finally
        {
            path.Pop();
        }
    }

    /// <summary>
    /// Adds a tensor (parameter or buffer) of the current module as a float32 initializer named by
    /// its state-dict key. A module used twice (CBAM's shared MLP) shares one initializer.
    /// </summary>
    public string Weight(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var fullName = path.Count == 0 ? name : $"{CurrentPath}.{name}";
        if (Graph.HasInitializer(fullName))
        {
            return fullName;
        }

        using var values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        return Graph.Initializer(fullName, values.shape, values.data<float>().ToArray());
    }

    private UnsupportedModuleException Unsupported(nn.Module module, string reason) =>
        new(CurrentPath, module.GetType().FullName ?? module.GetType().Name, reason);

    /// <summary>TorchSharp may keep one value for both spatial dimensions; ONNX wants both.</summary>
    private static long[] Pair(long[] values) => values.Length == 1 ? [values[0], values[0]] : values;

    private string EmitSequential(Sequential sequential, string input)
    {
        var output = input;
        foreach (var (name, child) in sequential.named_children())
        {
            output = Emit(child, name, output);
        }

        return output;
    }

    private string EmitConv(Conv2d conv, string input)
    {
        if (conv.padding_type is not null || conv.padding_mode != PaddingModes.Zeros || conv.transposed)
        {
            throw Unsupported(conv, "only zero-padded, explicitly padded, non-transposed convolutions are exported");
        }

        var inputs = new List<string> { Weight("weight", conv.weight!) };
        if (conv.bias is not null)
        {
            inputs.Add(Weight("bias", conv.bias));
        }

        inputs.Insert(0, input);
        var padding = Pair(conv.padding!);
        return Graph.Node("Conv", inputs, attributes:
        [
            OnnxAttributeValue.OfInts("kernel_shape", Pair(conv.kernel_size)),
            OnnxAttributeValue.OfInts("strides", Pair(conv.stride)),
            OnnxAttributeValue.OfInts("pads", [.. padding, .. padding]),
            OnnxAttributeValue.OfInts("dilations", Pair(conv.dilation)),
            OnnxAttributeValue.OfInt("group", conv.groups),
        ]);
    }

    private string EmitBatchNorm(BatchNorm2d norm, string input)
    {
        if (norm.weight is null || norm.bias is null || norm.running_mean is null || norm.running_var is null)
        {
            throw Unsupported(norm, "BatchNorm without affine parameters or running statistics has no fixed eval-mode graph");
        }

        return Graph.Node(
            "BatchNormalization",
            [input, Weight("weight", norm.weight), Weight("bias", norm.bias), Weight("running_mean", norm.running_mean), Weight("running_var", norm.running_var)],
            attributes: [OnnxAttributeValue.OfFloat("epsilon", (float)norm.eps)]);
    }

    private string EmitLinear(Linear linear, string input)
    {
        var inputs = new List<string> { input, Weight("weight", linear.weight!) };
        if (linear.bias is not null)
        {
            inputs.Add(Weight("bias", linear.bias));
        }

        return Graph.Node("Gemm", inputs, attributes: [OnnxAttributeValue.OfInt("transB", 1)]);
    }

    private string EmitMaxPool(MaxPool2d pool, string input)
    {
        var padding = Pair(pool.padding ?? [0]);
        return Graph.Node("MaxPool", [input], attributes:
        [
            OnnxAttributeValue.OfInts("kernel_shape", Pair(pool.kernel_size)),
            OnnxAttributeValue.OfInts("strides", Pair(pool.stride ?? pool.kernel_size)),
            OnnxAttributeValue.OfInts("pads", [.. padding, .. padding]),
            OnnxAttributeValue.OfInts("dilations", Pair(pool.dilation ?? [1])),
            OnnxAttributeValue.OfInt("ceil_mode", pool.ceil_mode ? 1 : 0),
        ]);
    }

    /// <summary>Clip takes its bounds as inputs since opset 11: scalar initializers, shared by every use of the same bounds.</summary>
    private string EmitClip(float min, float max, string input)
    {
        string Bound(float value)
        {
            var name = FormattableString.Invariant($"clip.{value:R}");
            return Graph.HasInitializer(name) ? name : Graph.Initializer(name, [], [value]);
        }

        return Graph.Node("Clip", [input, Bound(min), Bound(max)]);
    }

    /// <summary>TorchSharp pads (left, right, top, bottom), or one value for all four; ONNX wants begins then ends per axis of NCHW.</summary>
    private string EmitZeroPad(ZeroPad2d pad, string input)
    {
        var p = pad.padding;
        var (left, right, top, bottom) = p.Length switch
        {
            1 => (p[0], p[0], p[0], p[0]),
            4 => (p[0], p[1], p[2], p[3]),
            _ => throw Unsupported(pad, $"padding [{string.Join(", ", p)}] is neither one value nor (left, right, top, bottom)"),
        };
        var pads = Graph.Int64Initializer($"{CurrentPath}.pads", [0, 0, top, left, 0, 0, bottom, right]);
        return Graph.Node("Pad", [input, pads]);
    }

    private string EmitAdaptiveAvgPool(AdaptiveAvgPool2d pool, string input)
    {
        if (pool.output_size.Any(size => size != 1))
        {
            throw Unsupported(pool, $"only output size 1 (global average pooling) is exported, not [{string.Join(", ", pool.output_size)}]");
        }

        return Graph.Node("GlobalAveragePool", [input]);
    }
}
