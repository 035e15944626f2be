namespace Fer.Onnx;

/// <summary>
/// A node of an <see cref="OnnxModelFile"/>. Attributes are kept as their AttributeProto bytes (every kind survives a
/// round trip); <see cref="IntAttribute"/>, <see cref="IntsAttribute"/> and <see cref="FloatAttribute"/> read those that rewriting needs.
/// </summary>
public sealed class OnnxFileNode
{
    public OnnxFileNode(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, string name = "")
    {
        OpType = opType;
        Inputs = [.. inputs];
        Outputs = [.. outputs];
        Name = name;
    }

    public string OpType { get; set; }

    public string Name { get; set; }

    /// <summary>"" (ai.onnx) or another operator domain.</summary>
    public string Domain { get; set; } = string.Empty;

    /// <summary>Input value names in order; "" is an omitted optional input.</summary>
    public List<string> Inputs { get; }

    public List<string> Outputs { get; }

    public List<OnnxAttributeBytes> Attributes { get; } = [];

    internal List<ProtoField> OtherFields { get; } = [];

    public OnnxFileNode With(OnnxAttributeValue attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        Attributes.RemoveAll(a => a.Name == attribute.Name);
        Attributes.Add(OnnxAttributeBytes.From(attribute));
        return this;
    }

    /// <summary>The integer attribute <paramref name="name"/>, or <paramref name="absent"/> when the node has none.</summary>
    public long IntAttribute(string name, long absent) => IntsAttribute(name) is [var value] ? value : absent;

    /// <summary>The float attribute <paramref name="name"/>, or <paramref name="absent"/> when the node has none.</summary>
    public float FloatAttribute(string name, float absent)
    {
        var attribute = Attributes.FirstOrDefault(a => a.Name == name);
        var field = attribute is null ? null : ProtoReader.Fields(attribute.Proto).Cast<ProtoField?>().FirstOrDefault(f => f!.Value.Number == AttributeProtoField.F);
        return field is { } f ? BitConverter.Int32BitsToSingle((int)f.Scalar) : absent;
    }

    /// <summary>The integer or integer-list attribute <paramref name="name"/>; null when the node has none.</summary>
    public long[]? IntsAttribute(string name)
    {
        var attribute = Attributes.FirstOrDefault(a => a.Name == name);
        if (attribute is null)
        {
            return null;
        }

        var values = new List<long>();
        foreach (var field in ProtoReader.Fields(attribute.Proto))
        {
            if (field.Number is AttributeProtoField.I or AttributeProtoField.Ints)
            {
                values.AddRange(ProtoReader.Int64s(field));
            }
        }

        return [.. values];
    }

    internal static OnnxFileNode Parse(ReadOnlyMemory<byte> bytes)
    {
        var node = new OnnxFileNode(string.Empty, [], []);
        foreach (var field in ProtoReader.Fields(bytes))
        {
            switch (field.Number)
            {
                case NodeProtoField.Input: node.Inputs.Add(field.Text); break;
                case NodeProtoField.Output: node.Outputs.Add(field.Text); break;
                case NodeProtoField.Name: node.Name = field.Text; break;
                case NodeProtoField.OpType: node.OpType = field.Text; break;
                case NodeProtoField.Attribute: node.Attributes.Add(OnnxAttributeBytes.Parse(field.Bytes)); break;
                case NodeProtoField.Domain: node.Domain = field.Text; break;
                default: node.OtherFields.Add(field); break;
            }
        }

        return node;
    }

    internal ProtoWriter ToProto()
    {
        var fields = new FieldsInOrder();
        foreach (var input in Inputs)
        {
            fields.Add(NodeProtoField.Input, w => w.String(NodeProtoField.Input, input));
        }

        foreach (var output in Outputs)
        {
            fields.Add(NodeProtoField.Output, w => w.String(NodeProtoField.Output, output));
        }

        if (Name.Length > 0)
        {
            fields.Add(NodeProtoField.Name, w => w.String(NodeProtoField.Name, Name));
        }

        fields.Add(NodeProtoField.OpType, w => w.String(NodeProtoField.OpType, OpType));
        foreach (var attribute in Attributes)
        {
            fields.Add(NodeProtoField.Attribute, w => w.Bytes(NodeProtoField.Attribute, attribute.Proto.Span));
        }

        if (Domain.Length > 0)
        {
            fields.Add(NodeProtoField.Domain, w => w.String(NodeProtoField.Domain, Domain));
        }

        fields.AddOthers(OtherFields);
        return fields.Write();
    }
}

/// <summary>A node attribute: its name and its AttributeProto bytes.</summary>
public sealed record OnnxAttributeBytes(string Name, ReadOnlyMemory<byte> Proto)
{
    public static OnnxAttributeBytes From(OnnxAttributeValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(value.Name, value.ToProto().ToArray());
    }

    internal static OnnxAttributeBytes Parse(ReadOnlyMemory<byte> bytes) =>
        new(ProtoReader.Fields(bytes).Where(f => f.Number == AttributeProtoField.Name).Select(f => f.Text).FirstOrDefault() ?? string.Empty, bytes);
}
