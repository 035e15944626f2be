using System.Buffers.Binary;
using System.Text.Json;

namespace Fer.FaceApiPort;

/// <summary>
/// One entry of a TF.js manifest's <c>weights</c>: name, shape, dtype and the optional
/// <c>quantization</c> {dtype uint8|uint16|float16, scale, min}. Knows how many bytes the tensor takes in the
/// shard and how TF.js turns those bytes into values.
/// </summary>
internal sealed class TfjsWeightSpec
{
    private TfjsWeightSpec(string name, long[] shape, string dtype, string? quantizedAs, double scale, double min)
    {
        Name = name;
        Shape = shape;
        DType = dtype;
        QuantizedAs = quantizedAs;
        Scale = scale;
        Min = min;
    }

    public string Name { get; }

    public long[] Shape { get; }

    public string DType { get; }

    /// <summary>The stored type when quantized (uint8, uint16, float16); null when stored as <see cref="DType"/>.</summary>
    public string? QuantizedAs { get; }

    public double Scale { get; }

    public double Min { get; }

    public long ElementCount => Shape.Aggregate(1L, (product, dim) => product * dim);

    public string ShapeText => $"[{string.Join(", ", Shape)}]";

    public int BytesPerElement => (QuantizedAs ?? DType) switch
    {
        "uint8" or "bool" => 1,
        "uint16" or "float16" => 2,
        _ => 4,
    };

    public static TfjsWeightSpec Parse(string manifestPath, JsonElement weight)
    {
        var name = weight.ValueKind == JsonValueKind.Object && weight.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String
            ? nameElement.GetString()!
            : throw TfjsWeights.Invalid(manifestPath, "a weight entry has no string 'name'");
        var shape = ReadShape(manifestPath, name, weight);
        var dtype = weight.TryGetProperty("dtype", out var dtypeElement) && dtypeElement.ValueKind == JsonValueKind.String
            ? dtypeElement.GetString()!
            : throw TfjsWeights.Invalid(manifestPath, $"tensor '{name}' has no string 'dtype'");
        if (dtype is not ("float32" or "int32" or "bool"))
        {
            throw TfjsWeights.Invalid(manifestPath, $"tensor '{name}' has dtype '{dtype}'; only float32, int32 and bool are read");
        }

        if (!weight.TryGetProperty("quantization", out var quantization))
        {
            return new TfjsWeightSpec(name, shape, dtype, null, 1, 0);
        }

        var stored = quantization.TryGetProperty("dtype", out var storedElement) && storedElement.ValueKind == JsonValueKind.String
            ? storedElement.GetString()!
            : throw TfjsWeights.Invalid(manifestPath, $"tensor '{name}' has a quantization without a string 'dtype'");
        switch (stored)
        {
            case "uint8" or "uint16" when dtype is "float32" or "int32":
                return new TfjsWeightSpec(name, shape, dtype, stored, Number(manifestPath, name, quantization, "scale"), Number(manifestPath, name, quantization, "min"));
            case "float16" when dtype == "float32":
                return new TfjsWeightSpec(name, shape, dtype, stored, 1, 0);
            default:
                throw TfjsWeights.Invalid(manifestPath, $"tensor '{name}' of dtype {dtype} is quantized as '{stored}'; TF.js reads uint8 and uint16 (float32, int32) and float16 (float32 only)");
        }
    }

    /// <summary>The values TF.js holds after loading <paramref name="bytes"/> (little-endian, as TF.js writes them).</summary>
    public TfjsTensor Decode(ReadOnlySpan<byte> bytes)
    {
        var values = new float[ElementCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = QuantizedAs switch
            {
                "uint8" => Dequantize(bytes[i]),
                "uint16" => Dequantize(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..])),
                "float16" => TfjsWeights.ReadFloat16(bytes[(2 * i)..]),
                _ => DType switch
                {
                    "float32" => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]),
                    "int32" => BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]),
                    _ => bytes[i],
                },
            };
        }

        return new TfjsTensor(Name, Shape, DType, values);
    }

    /// <summary>
    /// TF.js computes <c>q * scale + min</c> in double precision and stores it in a Float32Array (int32 tensors:
    /// rounded with Math.round, which rounds halves up).
    /// </summary>
    private float Dequantize(int quantized)
    {
        var value = (quantized * Scale) + Min;
        return DType == "int32" ? (float)Math.Floor(value + 0.5) : (float)value;
    }

    private static long[] ReadShape(string manifestPath, string name, JsonElement weight)
    {
        if (!weight.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
        {
            throw TfjsWeights.Invalid(manifestPath, $"tensor '{name}' has no 'shape' array");
        }

        var dims = new List<long>();
        foreach (var dim in shape.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var value) || value < 0)
            {
                throw TfjsWeights.Invalid(manifestPath, $"tensor '{name}' has a shape entry '{dim}' that is not a whole number of 0 or more");
            }

            dims.Add(value);
        }

        return [.. dims];
    }

    private static double Number(string manifestPath, string name, JsonElement quantization, string key) =>
        quantization.TryGetProperty(key, out var element) && element.ValueKind == JsonValueKind.Number
            ? element.GetDouble()
            : throw TfjsWeights.Invalid(manifestPath, $"tensor '{name}' is quantized as {quantization.GetProperty("dtype").GetString()} without a numeric '{key}'");
}
