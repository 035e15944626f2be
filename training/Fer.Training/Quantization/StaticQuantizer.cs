using Fer.Onnx;

namespace Fer.Training.Quantization;

/// <summary>What a static quantisation made: the int8 QDQ model, the plan it followed, the ranges it used.</summary>
public sealed record QuantizedModel(OnnxModelFile Model, QdqPlan Plan, IReadOnlyDictionary<string, TensorRange> Ranges);

/// <summary>
/// Static int8 quantisation of a float ONNX model: fold batch normalisation into the convolutions, plan which nodes
/// become integer ones, measure their activations'
/// ranges on real inputs, and rewrite the graph in QDQ form (per-channel symmetric int8 weights, int32 biases,
/// per-tensor activations).
/// </summary>
public static class StaticQuantizer
{
    public static QuantizedModel Quantize(
        OnnxModelFile fp32, IEnumerable<float[]> samples, int[] sampleShape, QuantizationSettings settings, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        ArgumentNullException.ThrowIfNull(settings);
        var prepared = fp32.Clone();
        BatchNormFolding.Apply(prepared);
        var plan = QdqPlan.For(prepared, settings.KeepFloat, settings.QuantizeAdd, settings.FloatHeads);
        if (plan.Ops.Count == 0)
        {
            throw new InvalidDataException("The model has no Conv, Gemm or MatMul with constant float weights: nothing to quantise.");
        }

        var ranges = ActivationCalibrator.Measure(prepared, plan.Activations, samples, sampleShape, settings.BatchSize, progress);
        var model = QdqRewriter.Rewrite(prepared, plan, ranges, settings.Activations);
        model.Metadata.RemoveAll(entry => entry.Key == "precision");
        model.Metadata.Add(new("precision", "int8"));
        return new QuantizedModel(model, plan, ranges);
    }
}

/// <summary>The choices of a static quantisation.</summary>
public sealed record QuantizationSettings
{
    public ActivationType Activations { get; init; } = ActivationType.Asymmetric;

    /// <summary>Also quantise Add of two activations (residual connections).</summary>
    public bool QuantizeAdd { get; init; }

    /// <summary>Leave the output heads in float (see <see cref="QdqPlan.For"/>).</summary>
    public bool FloatHeads { get; init; }

    /// <summary>Names of nodes left in float.</summary>
    public IReadOnlySet<string> KeepFloat { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public int BatchSize { get; init; } = 16;

    /// <summary>What the manifest says of the weights and activations.</summary>
    public const string WeightsDescription = "int8 per-channel symmetric";

    public string ActivationsDescription => (Activations == ActivationType.Asymmetric ? "uint8 static (calibrated min/max)" : "int8 symmetric static (calibrated min/max)")
        + (FloatHeads ? "; output heads in fp32" : string.Empty);
}
