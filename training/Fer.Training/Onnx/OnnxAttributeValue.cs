namespace Fer.Training.Onnx;

/// <summary>An ONNX node attribute (AttributeProto) of the kinds the exporter emits.</summary>
public sealed class OnnxAttributeValue
{
    // AttributeProto.AttributeType values.
    private const int TypeFloat = 1;
    private const int TypeInt = 2;
    private const int TypeInts = 7;

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

    public static OnnxAttributeValue OfFloat(string name, float value) => new(name, TypeFloat, value, 0, []);

    public static OnnxAttributeValue OfInt(string name, long value) => new(name, TypeInt, 0, value, []);

    public static OnnxAttributeValue OfInts(string name, params long[] values) => new(name, TypeInts, 0, 0, values);

    internal ProtoWriter ToProto()
    {
        var proto = new ProtoWriter().String(1, Name);
        switch (Type)
        {
            case TypeFloat:
                proto.Float(2, FloatValue);
                break;
            case TypeInt:
                proto.Varint(3, IntValue);
                break;
            case TypeInts:
                foreach (var value in IntsValue)
                {
                    proto.Varint(8, value);
                }

                break;
        }

        return proto.Varint(20, Type);
    }
}
