using System.Runtime.InteropServices;

namespace Fer.Onnx;

/// <summary>
/// An initializer of an <see cref="OnnxModelFile"/>: name, shape, element type and its values as little-endian bytes
/// (what raw_data holds). Values stored in the typed lists (float_data, int32_data, int64_data) are read into the
/// same form; the file is always written with raw_data.
/// </summary>
public sealed record OnnxFileTensor(string Name, long[] Dims, int DataType, byte[] Data)
{
    public long ElementCount => Dims.Aggregate(1L, (product, dim) => product * dim);

    public static OnnxFileTensor OfFloats(string name, long[] dims, ReadOnlySpan<float> values) =>
        new(name, dims, TensorProtoDataType.Float, MemoryMarshal.AsBytes(values).ToArray());

    public static OnnxFileTensor OfInt8(string name, long[] dims, ReadOnlySpan<sbyte> values) =>
        new(name, dims, TensorProtoDataType.Int8, MemoryMarshal.AsBytes(values).ToArray());

    public static OnnxFileTensor OfUInt8(string name, long[] dims, ReadOnlySpan<byte> values) =>
        new(name, dims, TensorProtoDataType.Uint8, values.ToArray());

    public static OnnxFileTensor OfInt32(string name, long[] dims, ReadOnlySpan<int> values) =>
        new(name, dims, TensorProtoDataType.Int32, MemoryMarshal.AsBytes(values).ToArray());

    public bool IsFloat => DataType == TensorProtoDataType.Float;

    /// <summary>The values of a float32 tensor.</summary>
    public float[] Floats() => IsFloat
        ? MemoryMarshal.Cast<byte, float>(Data).ToArray()
        : throw new InvalidDataException($"ONNX initializer '{Name}' holds element type {DataType}, not float32.");

    internal static OnnxFileTensor Parse(ReadOnlyMemory<byte> bytes)
    {
        var (dims, name, dataType) = (new List<long>(), string.Empty, 0);
        byte[]? raw = null;
        var typed = new List<long>();
        var floats = new List<float>();
        foreach (var field in ProtoReader.Fields(bytes))
        {
            switch (field.Number)
            {
                case TensorProtoField.Dims: dims.AddRange(ProtoReader.Int64s(field)); break;
                case TensorProtoField.DataType: dataType = (int)field.Scalar; break;
                case TensorProtoField.Name: name = field.Text; break;
                case TensorProtoField.RawData: raw = field.Bytes.ToArray(); break;
                case TensorProtoField.FloatData:
                    floats.AddRange(field.IsPacked ? MemoryMarshal.Cast<byte, float>(field.Bytes.Span).ToArray() : [BitConverter.Int32BitsToSingle((int)field.Scalar)]);
                    break;
                case TensorProtoField.Int32Data or TensorProtoField.Int64Data: typed.AddRange(ProtoReader.Int64s(field)); break;
                case TensorProtoField.DataLocation when field.Scalar != 0:
                    throw new InvalidDataException($"ONNX initializer '{name}' keeps its data in an external file, which is not supported.");
            }
        }

        var tensor = new OnnxFileTensor(name, [.. dims], dataType, raw ?? FromTypedLists(name, dataType, floats, typed));
        var expected = tensor.ElementCount * ElementSize(name, dataType);
        return tensor.Data.Length == expected
            ? tensor
            : throw new InvalidDataException($"ONNX initializer '{name}' has {tensor.Data.Length} bytes of data; its shape [{string.Join(',', dims)}] needs {expected}.");
    }

    internal ProtoWriter ToProto() => new ProtoWriter()
        .PackedInt64(TensorProtoField.Dims, Dims)
        .Varint(TensorProtoField.DataType, DataType)
        .String(TensorProtoField.Name, Name)
        .Bytes(TensorProtoField.RawData, Data);

    private static byte[] FromTypedLists(string name, int dataType, List<float> floats, List<long> typed) => dataType switch
    {
        TensorProtoDataType.Float => MemoryMarshal.AsBytes(floats.ToArray().AsSpan()).ToArray(),
        TensorProtoDataType.Uint8 or TensorProtoDataType.Int8 => [.. typed.Select(v => (byte)v)],
        TensorProtoDataType.Int32 => MemoryMarshal.AsBytes(typed.Select(v => (int)v).ToArray().AsSpan()).ToArray(),
        TensorProtoDataType.Int64 => MemoryMarshal.AsBytes(typed.ToArray().AsSpan()).ToArray(),
        _ => throw new InvalidDataException($"ONNX initializer '{name}' has element type {dataType}, which only raw_data storage is supported for."),
    };

    private static int ElementSize(string name, int dataType) => dataType switch
    {
        TensorProtoDataType.Uint8 or TensorProtoDataType.Int8 or 9 /* bool */ => 1,
        10 /* float16 */ or 16 /* bfloat16 */ or 4 /* uint16 */ or 5 /* int16 */ => 2,
        TensorProtoDataType.Float or TensorProtoDataType.Int32 or 12 /* uint32 */ => 4,
        TensorProtoDataType.Int64 or 11 /* double */ or 13 /* uint64 */ => 8,
        _ => throw new InvalidDataException($"ONNX initializer '{name}' has element type {dataType}, which is not supported."),
    };
}
