namespace Fer.Onnx;

/// <summary>An ONNX node attribute (AttributeProto) of the kinds the exporter emits.</summary>
public sealed class OnnxAttributeValue
{
    private OnnxAttributeValue(string name, int type, float floatValue, long intValue, IReadOnlyList<long> intsValue)
    {
        Name = name;
        Type = type;
        FloatValue = floatValue;
        IntValue = intValue;
        IntsValue = intsValue;
    }

    public string Name { get; }

    private int Type { get; }

    private float FloatValue { get; }

    private long IntValue { get; }

    private IReadOnlyList<long> IntsValue { get; }

    public static OnnxAttributeValue OfFloat(string name, float value) => new(name, AttributeProtoType.Float, value, 0, []);

    public static OnnxAttributeValue OfInt(string name, long value) => new(name, AttributeProtoType.Int, 0, value, []);

    public static OnnxAttributeValue OfInts(string name, params long[] values) => new(name, AttributeProtoType.Ints, 0, 0, values);

    internal ProtoWriter ToProto()
    {
        var proto = new ProtoWriter().String(AttributeProtoField.Name, Name);
        switch (Type)
        {
            case AttributeProtoType.Float:
                proto.Float(AttributeProtoField.F, FloatValue);
                break;
            case AttributeProtoType.Int:
                proto.Varint(AttributeProtoField.I, IntValue);
                break;
            case AttributeProtoType.Ints:
                foreach (var value in IntsValue)
                {
                    proto.Varint(AttributeProtoField.Ints, value);
                }

                break;
        }

        return proto.Varint(AttributeProtoField.Type, Type);
    }
}
