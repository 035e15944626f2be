namespace Fer.Training.Quantization;

/// <summary>The element type activations are quantised to: uint8 with a zero point (asymmetric), or int8 symmetric.</summary>
public enum ActivationType
{
    /// <summary>uint8 with a zero point: the whole 0..255 spans the calibrated min..max.</summary>
    Asymmetric,

    /// <summary>int8 symmetric about 0 (zero point 0).</summary>
    Symmetric,
}

/// <summary>Scale and zero point of one activation tensor: real = scale * (q - zeroPoint).</summary>
public readonly record struct ActivationQuantization(float Scale, int ZeroPoint, ActivationType Type)
{
    /// <summary>
    /// The parameters that cover <paramref name="range"/>, widened to include 0 so that 0 (padding, ReLU's floor) is
    /// exact: uint8 spreads min..max over 0..255; int8 is symmetric about 0 over -127..127.
    /// </summary>
    public static ActivationQuantization For(TensorRange range, ActivationType type)
    {
        if (range.IsEmpty)
        {
            throw new ArgumentException("The tensor was never observed during calibration.", nameof(range));
        }

        var (min, max) = (Math.Min(range.Min, 0f), Math.Max(range.Max, 0f));
        if (type == ActivationType.Symmetric)
        {
            var absolute = Math.Max(-min, max);
            return new(absolute > 0 ? absolute / 127f : 1f, 0, type);
        }

        if (max == min)
        {
            return new(1f, 0, type);
        }

        var scale = (max - min) / 255f;
        return new(scale, Math.Clamp((int)Math.Round(-min / scale), 0, 255), type);
    }
}
