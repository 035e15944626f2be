using System.Buffers;
using System.Text;

namespace Fer.Onnx;

/// <summary>
/// The few protocol-buffer wire-format primitives that ONNX's ModelProto needs: varints, strings,
/// bytes and nested messages (length-delimited), packed int64 lists.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new();

    public long Length => buffer.WrittenCount;

    public ProtoWriter Varint(int field, long value)
    {
        Tag(field, wireType: 0);
        WriteVarint((ulong)value);
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        Tag(field, wireType: 5);
        BitConverter.TryWriteBytes(buffer.GetSpan(4), value);
        buffer.Advance(4);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, wireType: 2);
        WriteVarint((ulong)value.Length);
        buffer.Write(value);
        return this;
    }

    public ProtoWriter Message(int field, ProtoWriter message)
    {
        Tag(field, wireType: 2);
        WriteVarint((ulong)message.buffer.WrittenCount);
        buffer.Write(message.buffer.WrittenSpan);
        return this;
    }

    public ProtoWriter PackedInt64(int field, IEnumerable<long> values)
    {
        var packed = new ProtoWriter();
        foreach (var value in values)
        {
            packed.WriteVarint((ulong)value);
        }

        Tag(field, wireType: 2);
        WriteVarint((ulong)packed.buffer.WrittenCount);
        buffer.Write(packed.buffer.WrittenSpan);
        return this;
    }

    /// <summary>Writes a field exactly as it was read (any wire type).</summary>
    public ProtoWriter Field(ProtoField field)
    {
        switch (field.WireType)
        {
            case ProtoField.VarintType:
                return Varint(field.Number, (long)field.Scalar);
            case ProtoField.Fixed64Type:
                Tag(field.Number, ProtoField.Fixed64Type);
                BitConverter.TryWriteBytes(buffer.GetSpan(8), field.Scalar);
                buffer.Advance(8);
                return this;
            case ProtoField.Fixed32Type:
                Tag(field.Number, ProtoField.Fixed32Type);
                BitConverter.TryWriteBytes(buffer.GetSpan(4), (uint)field.Scalar);
                buffer.Advance(4);
                return this;
            default:
                return Bytes(field.Number, field.Bytes.Span);
        }
    }

    public byte[] ToArray() => buffer.WrittenSpan.ToArray();

    public void CopyTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(buffer.WrittenSpan);
    }

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte((byte)value);
    }

    private void WriteByte(byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }
}
