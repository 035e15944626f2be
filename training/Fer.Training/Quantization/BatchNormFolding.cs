using Fer.Onnx;

namespace Fer.Training.Quantization;

/// <summary>
/// Folds each BatchNormalization that alone follows a Conv with constant weights into that Conv's weights and bias
/// (w' = w * g / sqrt(v + e) per output channel, b' = (b - m) * g / sqrt(v + e) + beta), as ONNX Runtime does for fp32.
/// Quantising after folding lets each Conv, with the ReLU behind it, become one integer kernel; left in place, every
/// BatchNormalization would run in float between a dequantise and a quantise.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>Folds in place; returns how many BatchNormalization nodes were folded.</summary>
    public static int Apply(OnnxModelFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var folded = 0;
        foreach (var norm in graph.Nodes.Where(n => n is { OpType: "BatchNormalization", Domain: "" } && n.Outputs.Count == 1).ToList())
        {
            var conv = graph.Nodes.FirstOrDefault(n => n is { OpType: "Conv", Domain: "" } && n.Outputs[0] == norm.Inputs[0]);
            var parameters = norm.Inputs.Skip(1).Select(graph.Initializer).ToList();
            if (conv is null || conv.Inputs.Count < 2 || graph.Initializer(conv.Inputs[1]) is not { IsFloat: true } weight
                || parameters.Count != 4 || parameters.Any(p => p is not { IsFloat: true })
                || graph.Nodes.Count(n => n.Inputs.Contains(conv.Outputs[0])) != 1 || graph.Outputs.Any(o => o.Name == conv.Outputs[0]))
            {
                continue;
            }

            var (gamma, beta, mean, variance) = (parameters[0]!.Floats(), parameters[1]!.Floats(), parameters[2]!.Floats(), parameters[3]!.Floats());
            var epsilon = norm.FloatAttribute("epsilon", 1e-5f);
            var channels = (int)weight.Dims[0];
            var bias = conv.Inputs.Count > 2 && conv.Inputs[2].Length > 0 ? graph.Initializer(conv.Inputs[2])!.Floats() : new float[channels];
            var values = weight.Floats();
            var perChannel = values.Length / channels;
            var newBias = new float[channels];
            for (var c = 0; c < channels; c++)
            {
                var factor = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
                for (var i = c * perChannel; i < (c + 1) * perChannel; i++)
                {
                    values[i] *= factor;
                }

                newBias[c] = ((bias[c] - mean[c]) * factor) + beta[c];
            }

            // New names: the originals may be shared with another node.
            var weightName = $"{conv.Outputs[0]}_folded_weight";
            var biasName = $"{conv.Outputs[0]}_folded_bias";
            graph.Initializers.Add(OnnxFileTensor.OfFloats(weightName, weight.Dims, values));
            graph.Initializers.Add(OnnxFileTensor.OfFloats(biasName, [channels], newBias));
            conv.Inputs[1] = weightName;
            if (conv.Inputs.Count > 2)
            {
                conv.Inputs[2] = biasName;
            }
            else
            {
                conv.Inputs.Add(biasName);
            }

            conv.Outputs[0] = norm.Outputs[0];
            graph.Nodes.Remove(norm);
            folded++;
        }

        graph.RemoveUnusedInitializers();
        return folded;
    }
}
