using System.Text;

namespace Fer.Onnx;

/// <summary>
/// A whole ONNX model that can be edited and written back (the quantiser's input and output): the graph, opset
/// imports and metadata as objects; any other field is kept as read and written back in field-number order, so a
/// file read and written unchanged keeps its meaning (and, for files written in field order, its bytes).
/// </summary>
public sealed class OnnxModelFile
{
    public long IrVersion { get; set; } = 8;

    public string ProducerName { get; set; } = string.Empty;

    public string ProducerVersion { get; set; } = string.Empty;

    public OnnxFileGraph Graph { get; set; } = new();

    public List<OnnxOpsetImport> OpsetImports { get; } = [];

    public List<KeyValuePair<string, string>> Metadata { get; } = [];

    internal List<ProtoField> OtherFields { get; } = [];

    /// <summary>The opset of the default (ai.onnx) domain; 0 when the model imports none.</summary>
    public long Opset => OpsetImports.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 0;

    public static OnnxModelFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"ONNX file '{path}' does not exist.", path);
        }

        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException or DecoderFallbackException or InvalidDataException)
        {
            throw new InvalidDataException($"'{path}' is not a readable ONNX model: {e.Message}", e);
        }
    }

    public static OnnxModelFile Parse(ReadOnlyMemory<byte> bytes)
    {
        var model = new OnnxModelFile();
        var sawGraph = false;
        foreach (var field in ProtoReader.Fields(bytes))
        {
            switch (field.Number)
            {
                case ModelProtoField.IrVersion: model.IrVersion = (long)field.Scalar; break;
                case ModelProtoField.ProducerName: model.ProducerName = field.Text; break;
                case ModelProtoField.ProducerVersion: model.ProducerVersion = field.Text; break;
                case ModelProtoField.Graph: model.Graph = OnnxFileGraph.Parse(field.Bytes); sawGraph = true; break;
                case ModelProtoField.OpsetImport: model.OpsetImports.Add(OnnxOpsetImport.Parse(field.Bytes)); break;
                case ModelProtoField.MetadataProps: model.Metadata.Add(MetadataEntry(field.Bytes)); break;
                default: model.OtherFields.Add(field); break;
            }
        }

        return sawGraph ? model : throw new InvalidDataException("the file holds no ONNX graph (ModelProto.graph)");
    }

    /// <summary>An independent copy (the graph is edited in place by whoever holds it).</summary>
    public OnnxModelFile Clone() => Parse(ToBytes());

    public byte[] ToBytes()
    {
        var fields = new FieldsInOrder();
        fields.Add(ModelProtoField.IrVersion, w => w.Varint(ModelProtoField.IrVersion, IrVersion));
        if (ProducerName.Length > 0)
        {
            fields.Add(ModelProtoField.ProducerName, w => w.String(ModelProtoField.ProducerName, ProducerName));
        }

        if (ProducerVersion.Length > 0)
        {
            fields.Add(ModelProtoField.ProducerVersion, w => w.String(ModelProtoField.ProducerVersion, ProducerVersion));
        }

        fields.Add(ModelProtoField.Graph, w => w.Message(ModelProtoField.Graph, Graph.ToProto()));
        foreach (var opset in OpsetImports)
        {
            fields.Add(ModelProtoField.OpsetImport, w => w.Message(ModelProtoField.OpsetImport, opset.ToProto()));
        }

        foreach (var (key, value) in Metadata)
        {
            fields.Add(ModelProtoField.MetadataProps, w => w.Message(ModelProtoField.MetadataProps, new ProtoWriter()
                .String(StringStringEntryProtoField.Key, key)
                .String(StringStringEntryProtoField.Value, value)));
        }

        fields.AddOthers(OtherFields);
        return fields.Write().ToArray();
    }

    public void Write(string path) => File.WriteAllBytes(path, ToBytes());

    private static KeyValuePair<string, string> MetadataEntry(ReadOnlyMemory<byte> bytes)
    {
        var (key, value) = (string.Empty, string.Empty);
        foreach (var field in ProtoReader.Fields(bytes))
        {
            if (field.Number == StringStringEntryProtoField.Key)
            {
                key = field.Text;
            }
            else if (field.Number == StringStringEntryProtoField.Value)
            {
                value = field.Text;
            }
        }

        return new(key, value);
    }
}

/// <summary>An opset import: the operator set version of one domain ("" is ai.onnx, "com.microsoft" ORT's own).</summary>
public sealed record OnnxOpsetImport(string Domain, long Version)
{
    internal static OnnxOpsetImport Parse(ReadOnlyMemory<byte> bytes)
    {
        var (domain, version) = (string.Empty, 0L);
        foreach (var field in ProtoReader.Fields(bytes))
        {
            if (field.Number == OperatorSetIdProtoField.Domain)
            {
                domain = field.Text;
            }
            else if (field.Number == OperatorSetIdProtoField.Version)
            {
                version = (long)field.Scalar;
            }
        }

        return new(domain, version);
    }

    internal ProtoWriter ToProto() => new ProtoWriter()
        .String(OperatorSetIdProtoField.Domain, Domain)
        .Varint(OperatorSetIdProtoField.Version, Version);
}
