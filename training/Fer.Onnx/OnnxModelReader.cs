using System.Text;

namespace Fer.Onnx;

/// <summary>A float tensor of an ONNX graph: an initializer or the value of a Constant node.</summary>
public sealed record OnnxTensor(string Name, long[] Dims, float[] Values);

/// <summary>One node of an ONNX graph, with the attributes the weight importers need.</summary>
public sealed record OnnxNode(string OpType, string Name, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
{
    public IReadOnlyDictionary<string, long[]> Ints { get; init; } = new Dictionary<string, long[]>();

    public IReadOnlyDictionary<string, float> Floats { get; init; } = new Dictionary<string, float>();

    /// <summary>The tensor of a Constant node's <c>value</c> attribute.</summary>
    public OnnxTensor? Value { get; init; }
}

/// <summary>The main graph of an ONNX model file: nodes in file order and every float constant by name.</summary>
public sealed record OnnxModelGraph(IReadOnlyList<OnnxNode> Nodes, IReadOnlyDictionary<string, OnnxTensor> Constants, IReadOnlyList<string> Inputs)
{
    /// <summary>The float constant feeding a node's input, whether stored as an initializer or as a Constant node.</summary>
    public OnnxTensor Constant(string name) =>
        Constants.TryGetValue(name, out var tensor)
            ? tensor
            : throw new InvalidDataException($"The ONNX graph has no float constant named '{name}'.");
}

/// <summary>
/// Reads the parts of an ONNX ModelProto that importing weights needs (nodes, attributes, float
/// tensors), straight from the protobuf wire format; field numbers as in onnx.proto.
/// </summary>
public static class OnnxModelReader
{
    public static OnnxModelGraph Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"ONNX file '{path}' does not exist.", path);
        }

        try
        {
            return ReadModel(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException or DecoderFallbackException)
        {
            throw new InvalidDataException($"'{path}' is not a readable ONNX model: {e.Message}", e);
        }
    }

    private static OnnxModelGraph ReadModel(ReadOnlyMemory<byte> model)
    {
        ReadOnlyMemory<byte>? graph = null;
        foreach (var field in ProtoReader.Fields(model))
        {
            if (field.Number == ModelProtoField.Graph)
            {
                graph = field.Bytes;
            }
        }

        return graph is { } bytes ? ReadGraph(bytes) : throw new InvalidDataException("The file holds no ONNX graph (ModelProto.graph).");
    }

    private static OnnxModelGraph ReadGraph(ReadOnlyMemory<byte> graph)
    {
        var nodes = new List<OnnxNode>();
        var constants = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var inputs = new List<string>();
        foreach (var field in ProtoReader.Fields(graph))
        {
            switch (field.Number)
            {
                case GraphProtoField.Node:
                    var node = ReadNode(field.Bytes);
                    nodes.Add(node);
                    if (node is { OpType: "Constant", Value: { } value })
                    {
                        constants[node.Outputs[0]] = value with { Name = node.Outputs[0] };
                    }

                    break;
                case GraphProtoField.Initializer:
                    var tensor = ReadTensor(field.Bytes);
                    constants[tensor.Name] = tensor;
                    break;
                case GraphProtoField.Input:
                    inputs.Add(ProtoReader.Fields(field.Bytes).Where(f => f.Number == ValueInfoProtoField.Name).Select(f => f.Text).FirstOrDefault() ?? string.Empty);
                    break;
            }
        }

        return new OnnxModelGraph(nodes, constants, inputs);
    }

    private static OnnxNode ReadNode(ReadOnlyMemory<byte> bytes)
    {
        var (inputs, outputs, name, opType) = (new List<string>(), new List<string>(), string.Empty, string.Empty);
        var ints = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var floats = new Dictionary<string, float>(StringComparer.Ordinal);
        OnnxTensor? value = null;
        foreach (var field in ProtoReader.Fields(bytes))
        {
            switch (field.Number)
            {
                case NodeProtoField.Input: inputs.Add(field.Text); break;
                case NodeProtoField.Output: outputs.Add(field.Text); break;
                case NodeProtoField.Name: name = field.Text; break;
                case NodeProtoField.OpType: opType = field.Text; break;
                case NodeProtoField.Attribute:
                    var attribute = ReadAttribute(field.Bytes);
                    if (attribute.Ints is { } list)
                    {
                        ints[attribute.Name] = list;
                    }

                    if (attribute.Float is { } f)
                    {
                        floats[attribute.Name] = f;
                    }

                    value = attribute.Tensor ?? value;
                    break;
            }
        }

        return new OnnxNode(opType, name, inputs, outputs) { Ints = ints, Floats = floats, Value = value };
    }

    private static (string Name, long[]? Ints, float? Float, OnnxTensor? Tensor) ReadAttribute(ReadOnlyMemory<byte> bytes)
    {
        var name = string.Empty;
        var ints = new List<long>();
        float? single = null;
        OnnxTensor? tensor = null;
        foreach (var field in ProtoReader.Fields(bytes))
        {
            switch (field.Number)
            {
                case AttributeProtoField.Name: name = field.Text; break;
                case AttributeProtoField.F: single = BitConverter.Int32BitsToSingle((int)field.Scalar); break;
                case AttributeProtoField.I: ints.Add((long)field.Scalar); break;
                case AttributeProtoField.T: tensor = ReadTensor(field.Bytes); break;
                case AttributeProtoField.Ints: ints.AddRange(field.IsPacked ? ProtoReader.PackedVarints(field.Bytes) : [(long)field.Scalar]); break;
            }
        }

        return (name, ints.Count > 0 ? ints.ToArray() : null, single, tensor);
    }

    private static OnnxTensor ReadTensor(ReadOnlyMemory<byte> bytes)
    {
        var (dims, name, dataType) = (new List<long>(), string.Empty, 0L);
        var values = new List<float>();
        foreach (var field in ProtoReader.Fields(bytes))
        {
            switch (field.Number)
            {
                case TensorProtoField.Dims: dims.AddRange(field.IsPacked ? ProtoReader.PackedVarints(field.Bytes) : [(long)field.Scalar]); break;
                case TensorProtoField.DataType: dataType = (long)field.Scalar; break;
                case TensorProtoField.Name: name = field.Text; break;
                case TensorProtoField.FloatData:
                    if (field.IsPacked)
                    {
                        values.AddRange(Floats(field.Bytes.Span));
                    }
                    else
                    {
                        values.Add(BitConverter.Int32BitsToSingle((int)field.Scalar));
                    }

                    break;
                case TensorProtoField.RawData: values.AddRange(Floats(field.Bytes.Span)); break;
            }
        }

        if (dataType != TensorProtoDataType.Float)
        {
            // Only float tensors carry weights; others (shapes, indices) are kept empty.
            values.Clear();
        }

        return new OnnxTensor(name, [.. dims], [.. values]);
    }

    private static float[] Floats(ReadOnlySpan<byte> bytes)
    {
        var result = new float[bytes.Length / 4];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BitConverter.ToSingle(bytes.Slice(i * 4, 4)); // ONNX stores little-endian, as x86 and ARM do
        }

        return result;
    }
}
