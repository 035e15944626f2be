namespace Fer.Onnx;

// Field numbers and enum values from onnx.proto, named after its messages and fields, for the
// parts that OnnxGraph and OnnxModelFile write and OnnxModelReader and OnnxModelFile read. They are the file format: never renumber.

internal static class ModelProtoField
{
    public const int IrVersion = 1;
    public const int ProducerName = 2;
    public const int ProducerVersion = 3;
    public const int Graph = 7;
    public const int OpsetImport = 8;
    public const int MetadataProps = 14;
}

internal static class OperatorSetIdProtoField
{
    public const int Domain = 1;
    public const int Version = 2;
}

internal static class StringStringEntryProtoField
{
    public const int Key = 1;
    public const int Value = 2;
}

internal static class GraphProtoField
{
    public const int Node = 1;
    public const int Name = 2;
    public const int Initializer = 5;
    public const int Input = 11;
    public const int Output = 12;
    public const int ValueInfo = 13;
}

internal static class NodeProtoField
{
    public const int Input = 1;
    public const int Output = 2;
    public const int Name = 3;
    public const int OpType = 4;
    public const int Attribute = 5;
    public const int Domain = 7;
}

internal static class AttributeProtoField
{
    public const int Name = 1;
    public const int F = 2;
    public const int I = 3;
    public const int T = 5;
    public const int Ints = 8;
    public const int Type = 20;
}

/// <summary>AttributeProto.AttributeType.</summary>
internal static class AttributeProtoType
{
    public const int Float = 1;
    public const int Int = 2;
    public const int Ints = 7;
}

internal static class TensorProtoField
{
    public const int Dims = 1;
    public const int DataType = 2;
    public const int FloatData = 4;
    public const int Int32Data = 5;
    public const int Int64Data = 7;
    public const int Name = 8;
    public const int RawData = 9;
    public const int DataLocation = 14;
}

/// <summary>TensorProto.DataType.</summary>
internal static class TensorProtoDataType
{
    public const int Float = 1;
    public const int Uint8 = 2;
    public const int Int8 = 3;
    public const int Int32 = 6;
    public const int Int64 = 7;
}

internal static class ValueInfoProtoField
{
    public const int Name = 1;
    public const int Type = 2;
}

internal static class TypeProtoField
{
    public const int TensorType = 1;
}

/// <summary>TypeProto.Tensor.</summary>
internal static class TypeProtoTensorField
{
    public const int ElemType = 1;
    public const int Shape = 2;
}

internal static class TensorShapeProtoField
{
    public const int Dim = 1;
}

/// <summary>TensorShapeProto.Dimension.</summary>
internal static class TensorShapeProtoDimensionField
{
    public const int DimValue = 1;
    public const int DimParam = 2;
}
