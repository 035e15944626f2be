using System.Text;

namespace Fer.Onnx;

/// <summary>One field of a protobuf message as it lies on the wire: its number, wire type, and value.</summary>
internal readonly record struct ProtoField(int Number, int WireType, ulong Scalar, ReadOnlyMemory<byte> Bytes)
{
    public const int VarintType = 0;
    public const int Fixed64Type = 1;
    public const int LengthDelimitedType = 2;
    public const int Fixed32Type = 5;

    /// <summary>Length-delimited: a string, bytes, a nested message or a packed list.</summary>
    public bool IsPacked => WireType == LengthDelimitedType;

    public string Text => Encoding.UTF8.GetString(Bytes.Span);
}

/// <summary>The protobuf wire-format reading that ONNX files need: a message's fields in order, varints, packed lists.</summary>
internal static class ProtoReader
{
    public static IEnumerable<ProtoField> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var key = Varint(message.Span, ref position);
            var (number, wireType) = ((int)(key >> 3), (int)(key & 7));
            switch (wireType)
            {
                case ProtoField.VarintType:
                    yield return new ProtoField(number, wireType, Varint(message.Span, ref position), default);
                    break;
                case ProtoField.Fixed64Type:
                    yield return new ProtoField(number, wireType, BitConverter.ToUInt64(message.Span.Slice(position, 8)), default);
                    position += 8;
                    break;
                case ProtoField.LengthDelimitedType:
                    var length = checked((int)Varint(message.Span, ref position));
                    yield return new ProtoField(number, wireType, 0, message.Slice(position, length));
                    position += length;
                    break;
                case ProtoField.Fixed32Type:
                    yield return new ProtoField(number, wireType, BitConverter.ToUInt32(message.Span.Slice(position, 4)), default);
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType} at byte {position}.");
            }
        }
    }

    /// <summary>The values of a repeated integer field, whether written packed or one field per value.</summary>
    public static IEnumerable<long> Int64s(ProtoField field) => field.IsPacked ? PackedVarints(field.Bytes) : [(long)field.Scalar];

    public static List<long> PackedVarints(ReadOnlyMemory<byte> bytes)
    {
        var position = 0;
        var result = new List<long>();
        while (position < bytes.Length)
        {
            result.Add((long)Varint(bytes.Span, ref position));
        }

        return result;
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("A protobuf varint is longer than 10 bytes.");
    }
}
