using Fer.Onnx;

namespace Fer.Training.Quantization;

/// <summary>
/// What a static QDQ quantisation of a model changes: the Conv, Gemm and MatMul nodes with constant float weights
/// (and optionally Add), and the activation tensors around them whose ranges calibration must measure.
/// </summary>
public sealed record QdqPlan(IReadOnlyList<QuantizedOp> Ops, IReadOnlyList<OnnxFileNode> Adds, IReadOnlyList<string> Activations)
{
    /// <param name="keepFloat">Names of nodes to leave in float (tried when a layer loses too much precision).</param>
    /// <param name="quantizeAdd">Also quantise Add of two activations (residual connections) to QLinearAdd.</param>
    /// <param name="floatHeads">
    /// Leave in float the output heads: nodes whose outputs reach the graph's outputs through nothing but reshaping
    /// (a detector's box and class predictors, whose 8-bit outputs would move boxes by a few per cent).
    /// </param>
    public static QdqPlan For(OnnxModelFile model, IReadOnlySet<string>? keepFloat = null, bool quantizeAdd = false, bool floatHeads = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var floatWeights = graph.Initializers.Where(t => t.IsFloat).ToDictionary(t => t.Name);
        var consumers = Consumers(graph);
        var ops = new List<QuantizedOp>();
        var adds = new List<OnnxFileNode>();
        var heads = floatHeads ? Heads(graph, consumers) : [];
        foreach (var node in graph.Nodes.Where(n => n.Domain.Length == 0 && keepFloat?.Contains(n.Name) != true && !heads.Contains(n)))
        {
            if (WeightOf(node, floatWeights) is { } weight)
            {
                ops.Add(new QuantizedOp(node, weight.Input, weight.Axis, BiasOf(node, floatWeights, weight), node.Inputs[0], FusedOutput(node.Outputs[0], consumers)));
            }
            else if (quantizeAdd && node.OpType == "Add" && node.Inputs.All(i => !floatWeights.ContainsKey(i) && i.Length > 0))
            {
                adds.Add(node);
            }
        }

        var activations = ops.SelectMany(op => new[] { op.Input, op.Output })
            .Concat(adds.SelectMany(add => add.Inputs.Append(FusedOutput(add.Outputs[0], consumers))))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new QdqPlan(ops, adds, activations);
    }

    private static (int Input, int Axis)? WeightOf(OnnxFileNode node, Dictionary<string, OnnxFileTensor> floatWeights)
    {
        if (node.Inputs.Count < 2 || !floatWeights.TryGetValue(node.Inputs[1], out var weight) || floatWeights.ContainsKey(node.Inputs[0]))
        {
            return null;
        }

        return node.OpType switch
        {
            "Conv" when weight.Dims.Length >= 3 => (1, 0),

            // Gemm computes alpha * A B' + beta * C: only the plain form maps onto the integer kernels.
            "Gemm" when weight.Dims.Length == 2 && node.IntsAttribute("transA") is null or [0]
                        && !node.Attributes.Any(a => a.Name is "alpha" or "beta") => (1, node.IntAttribute("transB", 0) == 1 ? 0 : 1),
            "MatMul" when weight.Dims.Length == 2 => (1, 1),
            _ => null,
        };
    }

    private static int? BiasOf(OnnxFileNode node, Dictionary<string, OnnxFileTensor> floatWeights, (int Input, int Axis) weight)
    {
        var biasInput = 2;
        if (node.OpType == "MatMul" || node.Inputs.Count <= biasInput || !floatWeights.TryGetValue(node.Inputs[biasInput], out var bias))
        {
            return null;
        }

        var channels = floatWeights[node.Inputs[weight.Input]].Dims[weight.Axis];
        return bias.Dims is [var length] && length == channels ? biasInput : null;
    }

    /// <summary>The ReLU or Clip (with constant bounds) output that alone consumes <paramref name="output"/>, else the output itself.</summary>
    private static string FusedOutput(string output, Dictionary<string, List<OnnxFileNode>> consumers) =>
        consumers.TryGetValue(output, out var users) && users is [{ OpType: "Relu" or "Clip" } activation] && activation.Domain.Length == 0
            ? activation.Outputs[0]
            : output;

    private static readonly HashSet<string> Reshaping = new(StringComparer.Ordinal) { "Reshape", "Concat", "Transpose", "Flatten", "Identity", "Squeeze", "Unsqueeze" };

    /// <summary>The nodes all of whose consumers are reshaping nodes that lead, in the end, only to graph outputs.</summary>
    private static HashSet<OnnxFileNode> Heads(OnnxFileGraph graph, Dictionary<string, List<OnnxFileNode>> consumers)
    {
        var memo = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool OnlyReshapedToOutputs(string value) => memo.TryGetValue(value, out var known) ? known : memo[value] =
            consumers.TryGetValue(value, out var users) && users.Count > 0
            && users.All(user => user.OpType == "GraphOutput" || (Reshaping.Contains(user.OpType) && user.Outputs.All(OnlyReshapedToOutputs)));
        return [.. graph.Nodes.Where(node => node.Outputs.All(OnlyReshapedToOutputs))];
    }

    private static Dictionary<string, List<OnnxFileNode>> Consumers(OnnxFileGraph graph)
    {
        var consumers = new Dictionary<string, List<OnnxFileNode>>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs.Where(i => i.Length > 0).Distinct())
            {
                if (!consumers.TryGetValue(input, out var list))
                {
                    consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        // A graph output is used outside the graph too: nothing may be folded into its producer.
        foreach (var output in graph.Outputs)
        {
            if (!consumers.TryGetValue(output.Name, out var list))
            {
                consumers[output.Name] = list = [];
            }

            list.Add(new OnnxFileNode("GraphOutput", [output.Name], []));
        }

        return consumers;
    }
}
