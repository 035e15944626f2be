namespace Fer.Onnx;

/// <summary>The main graph of an <see cref="OnnxModelFile"/>: nodes in topological order, initializers, inputs, outputs.</summary>
public sealed class OnnxFileGraph
{
    public string Name { get; set; } = string.Empty;

    public List<OnnxFileNode> Nodes { get; } = [];

    public List<OnnxFileTensor> Initializers { get; } = [];

    public List<OnnxValueInfo> Inputs { get; } = [];

    public List<OnnxValueInfo> Outputs { get; } = [];

    /// <summary>Shapes and types of intermediate values, when the file declares them.</summary>
    public List<OnnxValueInfo> ValueInfos { get; } = [];

    internal List<ProtoField> OtherFields { get; } = [];

    public OnnxFileTensor? Initializer(string name) => Initializers.FirstOrDefault(t => t.Name == name);

    /// <summary>Drops initializers that no node reads and no output returns (after a rewrite replaced them).</summary>
    public void RemoveUnusedInitializers()
    {
        var used = Nodes.SelectMany(n => n.Inputs).Concat(Outputs.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        var unused = Initializers.Where(t => !used.Contains(t.Name)).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        Initializers.RemoveAll(t => unused.Contains(t.Name));

        // Older files also list initializers as graph inputs; a dropped one must not become an input to feed.
        Inputs.RemoveAll(i => unused.Contains(i.Name));
    }

    internal static OnnxFileGraph Parse(ReadOnlyMemory<byte> bytes)
    {
        var graph = new OnnxFileGraph();
        foreach (var field in ProtoReader.Fields(bytes))
        {
            switch (field.Number)
            {
                case GraphProtoField.Node: graph.Nodes.Add(OnnxFileNode.Parse(field.Bytes)); break;
                case GraphProtoField.Name: graph.Name = field.Text; break;
                case GraphProtoField.Initializer: graph.Initializers.Add(OnnxFileTensor.Parse(field.Bytes)); break;
                case GraphProtoField.Input: graph.Inputs.Add(OnnxValueInfo.Parse(field.Bytes)); break;
                case GraphProtoField.Output: graph.Outputs.Add(OnnxValueInfo.Parse(field.Bytes)); break;
                case GraphProtoField.ValueInfo: graph.ValueInfos.Add(OnnxValueInfo.Parse(field.Bytes)); break;
                default: graph.OtherFields.Add(field); break;
            }
        }

        return graph;
    }

    internal ProtoWriter ToProto()
    {
        var fields = new FieldsInOrder();
        foreach (var node in Nodes)
        {
            fields.Add(GraphProtoField.Node, w => w.Message(GraphProtoField.Node, node.ToProto()));
        }

        fields.Add(GraphProtoField.Name, w => w.String(GraphProtoField.Name, Name));
        foreach (var tensor in Initializers)
        {
            fields.Add(GraphProtoField.Initializer, w => w.Message(GraphProtoField.Initializer, tensor.ToProto()));
        }

        AddValues(fields, GraphProtoField.Input, Inputs);
        AddValues(fields, GraphProtoField.Output, Outputs);
        AddValues(fields, GraphProtoField.ValueInfo, ValueInfos);
        fields.AddOthers(OtherFields);
        return fields.Write();
    }

    private static void AddValues(FieldsInOrder fields, int number, IEnumerable<OnnxValueInfo> values)
    {
        foreach (var value in values)
        {
            fields.Add(number, w => w.Bytes(number, value.Proto.Span));
        }
    }
}

/// <summary>A graph input, output or value_info: its name, with the rest of the ValueInfoProto (type, shape) kept as read.</summary>
public sealed record OnnxValueInfo(string Name, ReadOnlyMemory<byte> Proto)
{
    /// <summary>A float32 tensor; without <paramref name="shape"/> its shape is left for ONNX Runtime to infer.</summary>
    public static OnnxValueInfo OfFloatTensor(string name, IReadOnlyList<OnnxDimension>? shape = null) =>
        new(name, OnnxGraph.ValueInfo(name, shape).ToArray());

    internal static OnnxValueInfo Parse(ReadOnlyMemory<byte> bytes) =>
        new(ProtoReader.Fields(bytes).Where(f => f.Number == ValueInfoProtoField.Name).Select(f => f.Text).FirstOrDefault() ?? string.Empty, bytes);
}
