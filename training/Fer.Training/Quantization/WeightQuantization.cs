namespace Fer.Training.Quantization;

/// <summary>
/// Per-channel symmetric int8 weights: each output channel gets its own scale, max |w| / 127, and zero point 0, so a
/// channel of small weights keeps its precision beside a channel of large ones.
/// </summary>
public static class WeightQuantization
{
    /// <summary>
    /// Quantises <paramref name="weights"/> of shape <paramref name="dims"/> along <paramref name="axis"/> (the output
    /// channels: 0 for Conv and for Gemm with transB, 1 for MatMul); returns the int8 values and one scale per channel.
    /// </summary>
    public static (sbyte[] Values, float[] Scales) PerChannel(float[] weights, long[] dims, int axis)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(dims);
        var channels = (int)dims[axis];
        var inner = (int)dims.Skip(axis + 1).Aggregate(1L, (a, b) => a * b);
        var scales = new float[channels];
        for (var i = 0; i < weights.Length; i++)
        {
            var channel = i / inner % channels;
            scales[channel] = Math.Max(scales[channel], Math.Abs(weights[i]));
        }

        for (var c = 0; c < channels; c++)
        {
            scales[c] = scales[c] > 0 ? scales[c] / 127f : 1f;
        }

        var values = new sbyte[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            values[i] = (sbyte)Math.Clamp(Math.Round(weights[i] / scales[i / inner % channels]), -127, 127);
        }

        return (values, scales);
    }

    /// <summary>A bias as int32 at the scale ONNX Runtime's integer kernels accumulate in: input scale x weight scale, per channel.</summary>
    public static (int[] Values, float[] Scales) Bias(float[] bias, float inputScale, float[] weightScales)
    {
        ArgumentNullException.ThrowIfNull(bias);
        ArgumentNullException.ThrowIfNull(weightScales);
        var scales = weightScales.Select(s => inputScale * s).ToArray();
        var values = bias.Select((b, c) => (int)Math.Clamp(Math.Round(b / scales[c]), int.MinValue, int.MaxValue)).ToArray();
        return (values, scales);
    }
}
