using Fer.Onnx;

namespace Fer.Training.Quantization;

/// <summary>
/// Rewrites a float model into ONNX's QDQ form from a <see cref="QdqPlan"/> and calibrated ranges: each planned
/// activation gets a QuantizeLinear/DequantizeLinear pair after the node that makes it (every consumer reads the
/// dequantised value), each weight becomes an int8 initializer behind a per-channel DequantizeLinear, each bias an
/// int32 one. ONNX Runtime recognises DQ -> op -> Q and runs it as one integer kernel (QLinearConv, QGemm, ...).
/// </summary>
public static class QdqRewriter
{
    private const string QuantizedSuffix = "_quantized";

    public static OnnxModelFile Rewrite(OnnxModelFile fp32, QdqPlan plan, IReadOnlyDictionary<string, TensorRange> ranges, ActivationType activationType)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(ranges);
        if (fp32.Opset < 13)
        {
            throw new InvalidDataException($"The model imports opset {fp32.Opset}; per-channel DequantizeLinear needs opset 13 or later.");
        }

        var model = fp32.Clone();
        var graph = model.Graph;
        var activations = plan.Activations.ToDictionary(
            name => name,
            name => ActivationQuantization.For(ranges.TryGetValue(name, out var range) ? range : throw new ArgumentException($"Calibration gave no range for '{name}'.", nameof(ranges)), activationType),
            StringComparer.Ordinal);

        var prologue = new List<OnnxFileNode>();
        var inputRenames = new Dictionary<(string Node, int Input), string>();
        foreach (var op in plan.Ops)
        {
            var node = graph.Nodes.Single(n => Same(n, op.Node));
            var inputScale = activations[op.Input].Scale;
            var (weightName, scales) = QuantizeWeight(graph, prologue, node.Inputs[op.WeightInput], op.WeightAxis);
            inputRenames[(NodeKey(node), op.WeightInput)] = weightName;
            if (op.BiasInput is { } biasInput)
            {
                inputRenames[(NodeKey(node), biasInput)] = QuantizeBias(graph, prologue, node, node.Inputs[biasInput], inputScale, scales);
            }
        }

        var nodes = new List<OnnxFileNode>(prologue);
        foreach (var input in graph.Inputs.Where(i => activations.ContainsKey(i.Name)))
        {
            nodes.AddRange(QuantizeDequantize(graph, input.Name, activations[input.Name]));
        }

        foreach (var node in graph.Nodes)
        {
            for (var i = 0; i < node.Inputs.Count; i++)
            {
                if (inputRenames.TryGetValue((NodeKey(node), i), out var renamed))
                {
                    node.Inputs[i] = renamed;
                }
                else if (activations.ContainsKey(node.Inputs[i]))
                {
                    node.Inputs[i] = Dequantized(node.Inputs[i]);
                }
            }

            nodes.Add(node);
            foreach (var output in node.Outputs.Where(activations.ContainsKey))
            {
                nodes.AddRange(QuantizeDequantize(graph, output, activations[output]));
            }
        }

        graph.Nodes.Clear();
        graph.Nodes.AddRange(nodes);
        graph.RemoveUnusedInitializers(); // the float weights and biases
        return model;
    }

    /// <summary>The name consumers read instead of <paramref name="activation"/>.</summary>
    public static string Dequantized(string activation) => activation + "_dequantized";

    private static string NodeKey(OnnxFileNode node) => node.Outputs[0];

    private static bool Same(OnnxFileNode a, OnnxFileNode b) => a.Outputs.SequenceEqual(b.Outputs, StringComparer.Ordinal);

    /// <summary>Q then DQ of one activation, with its scale and zero point as initializers.</summary>
    private static IEnumerable<OnnxFileNode> QuantizeDequantize(OnnxFileGraph graph, string activation, ActivationQuantization q)
    {
        var scale = AddInitializer(graph, OnnxFileTensor.OfFloats(activation + "_scale", [], [q.Scale]));
        var zeroPoint = AddInitializer(graph, q.Type == ActivationType.Asymmetric
            ? OnnxFileTensor.OfUInt8(activation + "_zero_point", [], [(byte)q.ZeroPoint])
            : OnnxFileTensor.OfInt8(activation + "_zero_point", [], [(sbyte)q.ZeroPoint]));
        var quantized = activation + QuantizedSuffix;
        yield return new OnnxFileNode("QuantizeLinear", [activation, scale, zeroPoint], [quantized], activation + "_QuantizeLinear");
        yield return new OnnxFileNode("DequantizeLinear", [quantized, scale, zeroPoint], [Dequantized(activation)], activation + "_DequantizeLinear");
    }

    /// <summary>The weight as int8 per channel behind a DequantizeLinear (shared when several nodes use one weight).</summary>
    private static (string Name, float[] Scales) QuantizeWeight(OnnxFileGraph graph, List<OnnxFileNode> prologue, string name, int axis)
    {
        var weight = graph.Initializer(name)!;
        var (values, scales) = WeightQuantization.PerChannel(weight.Floats(), weight.Dims, axis);
        var dequantized = Dequantized(name);
        if (prologue.All(n => n.Outputs[0] != dequantized))
        {
            var quantized = AddInitializer(graph, OnnxFileTensor.OfInt8(name + QuantizedSuffix, weight.Dims, values));
            var scale = AddInitializer(graph, OnnxFileTensor.OfFloats(name + "_scale", [scales.Length], scales));
            var zeroPoint = AddInitializer(graph, OnnxFileTensor.OfInt8(name + "_zero_point", [scales.Length], new sbyte[scales.Length]));
            prologue.Add(PerChannelDequantize(quantized, scale, zeroPoint, dequantized, axis));
        }

        return (dequantized, scales);
    }

    /// <summary>The bias as int32 at input scale x weight scale (what the integer kernels add to their accumulators).</summary>
    private static string QuantizeBias(OnnxFileGraph graph, List<OnnxFileNode> prologue, OnnxFileNode node, string name, float inputScale, float[] weightScales)
    {
        var bias = graph.Initializer(name)!;
        var (values, scales) = WeightQuantization.Bias(bias.Floats(), inputScale, weightScales);

        // Each consumer has its own input scale, so each gets its own quantised bias.
        var prefix = $"{name}_{NodeKey(node)}";
        var quantized = AddInitializer(graph, OnnxFileTensor.OfInt32(prefix + QuantizedSuffix, bias.Dims, values));
        var scale = AddInitializer(graph, OnnxFileTensor.OfFloats(prefix + "_scale", [scales.Length], scales));
        var zeroPoint = AddInitializer(graph, OnnxFileTensor.OfInt32(prefix + "_zero_point", [scales.Length], new int[scales.Length]));
        var dequantized = Dequantized(prefix);
        prologue.Add(PerChannelDequantize(quantized, scale, zeroPoint, dequantized, axis: 0));
        return dequantized;
    }

    private static OnnxFileNode PerChannelDequantize(string quantized, string scale, string zeroPoint, string output, int axis) =>
        new OnnxFileNode("DequantizeLinear", [quantized, scale, zeroPoint], [output], output + "_DequantizeLinear")
            .With(OnnxAttributeValue.OfInt("axis", axis));

    private static string AddInitializer(OnnxFileGraph graph, OnnxFileTensor tensor)
    {
        if (graph.Initializer(tensor.Name) is not null)
        {
            throw new InvalidOperationException($"The quantised graph would hold two initializers named '{tensor.Name}'.");
        }

        graph.Initializers.Add(tensor);
        return tensor.Name;
    }
}
