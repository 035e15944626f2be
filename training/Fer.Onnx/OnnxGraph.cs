using System.Runtime.InteropServices;

namespace Fer.Onnx;

/// <summary>
/// An ONNX graph under construction: nodes in topological order, float32 and int64 initializers, one input
/// and one output. Writes the ModelProto bytes.
/// </summary>
public sealed class OnnxGraph
{
    private readonly List<ProtoWriter> nodes = [];
    private readonly List<ProtoWriter> initializers = [];
    private readonly HashSet<string> initializerNames = [];
    private int nextValue;

    public int NodeCount => nodes.Count;

    /// <summary>Adds a node and returns the name of its (single) output.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, string? output = null, IReadOnlyList<OnnxAttributeValue>? attributes = null)
    {
        output ??= $"{opType.ToLowerInvariant()}_{nextValue++}";
        var node = new ProtoWriter();
        foreach (var input in inputs)
        {
            node.String(NodeProtoField.Input, input);
        }

        node.String(NodeProtoField.Output, output)
            .String(NodeProtoField.Name, $"{opType}_{nodes.Count}")
            .String(NodeProtoField.OpType, opType);
        foreach (var attribute in attributes ?? [])
        {
            node.Message(NodeProtoField.Attribute, attribute.ToProto());
        }

        nodes.Add(node);
        return output;
    }

    public bool HasInitializer(string name) => initializerNames.Contains(name);

    /// <summary>Adds a float32 initializer with the given name and shape; returns its name.</summary>
    public string Initializer(string name, IReadOnlyList<long> shape, ReadOnlySpan<float> values) =>
        AddInitializer(name, shape, TensorProtoDataType.Float, MemoryMarshal.AsBytes(values));

    /// <summary>Adds a one-dimensional int64 initializer (shapes, axes, slice bounds); returns its name.</summary>
    public string Int64Initializer(string name, ReadOnlySpan<long> values) =>
        AddInitializer(name, [values.Length], TensorProtoDataType.Int64, MemoryMarshal.AsBytes(values));

    private string AddInitializer(string name, IReadOnlyList<long> shape, int elementType, ReadOnlySpan<byte> littleEndianData)
    {
        if (!initializerNames.Add(name))
        {
            throw new InvalidOperationException($"ONNX initializer '{name}' was emitted twice.");
        }

        var tensor = new ProtoWriter()
            .PackedInt64(TensorProtoField.Dims, shape)
            .Varint(TensorProtoField.DataType, elementType)
            .String(TensorProtoField.Name, name)
            .Bytes(TensorProtoField.RawData, littleEndianData);
        initializers.Add(tensor);
        return name;
    }

    /// <summary>Serialises a ModelProto with this graph.</summary>
    public void WriteModel(Stream destination, OnnxModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var graph = new ProtoWriter();
        foreach (var node in nodes)
        {
            graph.Message(GraphProtoField.Node, node);
        }

        graph.String(GraphProtoField.Name, info.GraphName);
        foreach (var initializer in initializers)
        {
            graph.Message(GraphProtoField.Initializer, initializer);
        }

        graph.Message(GraphProtoField.Input, ValueInfo(info.InputName, info.InputShape));
        graph.Message(GraphProtoField.Output, ValueInfo(info.OutputName, info.OutputShape));

        var model = new ProtoWriter()
            .Varint(ModelProtoField.IrVersion, info.IrVersion)
            .String(ModelProtoField.ProducerName, info.ProducerName)
            .String(ModelProtoField.ProducerVersion, info.ProducerVersion)
            .Message(ModelProtoField.Graph, graph)
            .Message(ModelProtoField.OpsetImport, new ProtoWriter()
                .String(OperatorSetIdProtoField.Domain, string.Empty)
                .Varint(OperatorSetIdProtoField.Version, info.Opset));
        foreach (var (key, value) in info.Metadata)
        {
            model.Message(ModelProtoField.MetadataProps, new ProtoWriter()
                .String(StringStringEntryProtoField.Key, key)
                .String(StringStringEntryProtoField.Value, value));
        }

        model.CopyTo(destination);
    }

    /// <summary>ValueInfoProto for a float tensor (dimensions fixed or symbolic, see <see cref="OnnxDimension"/>); without a shape, any rank.</summary>
    internal static ProtoWriter ValueInfo(string name, IReadOnlyList<OnnxDimension>? shape)
    {
        var tensorType = new ProtoWriter().Varint(TypeProtoTensorField.ElemType, TensorProtoDataType.Float);
        if (shape is not null)
        {
            tensorType.Message(TypeProtoTensorField.Shape, Dimensions(shape));
        }

        var type = new ProtoWriter().Message(TypeProtoField.TensorType, tensorType);
        return new ProtoWriter().String(ValueInfoProtoField.Name, name).Message(ValueInfoProtoField.Type, type);
    }

    private static ProtoWriter Dimensions(IReadOnlyList<OnnxDimension> shape)
    {
        var dims = new ProtoWriter();
        foreach (var dim in shape)
        {
            var d = new ProtoWriter();
            if (dim.Symbol is null)
            {
                d.Varint(TensorShapeProtoDimensionField.DimValue, dim.Value);
            }
            else
            {
                d.String(TensorShapeProtoDimensionField.DimParam, dim.Symbol);
            }

            dims.Message(TensorShapeProtoField.Dim, d);
        }

        return dims;
    }
}

/// <summary>One dimension of a graph input or output: fixed, or symbolic (dynamic).</summary>
public readonly record struct OnnxDimension(long Value, string? Symbol)
{
    public static OnnxDimension Fixed(long value) => new(value, null);

    public static OnnxDimension Dynamic(string symbol) => new(0, symbol);
}

/// <summary>The model-level facts written around the graph.</summary>
public sealed record OnnxModelInfo
{
    /// <summary>IR version 8 goes with opset 17.</summary>
    public long IrVersion { get; init; } = 8;

    public long Opset { get; init; } = 17;

    public string ProducerName { get; init; } = "fer-train";

    public string ProducerVersion { get; init; } = "1";

    public string GraphName { get; init; } = "fer";

    public required string InputName { get; init; }

    public required IReadOnlyList<OnnxDimension> InputShape { get; init; }

    public required string OutputName { get; init; }

    public required IReadOnlyList<OnnxDimension> OutputShape { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];
}
