namespace Fer.Onnx;

/// <summary>
/// Collects a message's fields, modelled and kept-as-read alike, and writes them sorted by field number (stable), as
/// protobuf serialisers do: a message read and written back comes out in its original order.
/// </summary>
internal sealed class FieldsInOrder
{
    private readonly List<(int Number, Action<ProtoWriter> Write)> fields = [];

    public void Add(int number, Action<ProtoWriter> write) => fields.Add((number, write));

    public void AddOthers(IEnumerable<ProtoField> others)
    {
        foreach (var field in others)
        {
            fields.Add((field.Number, w => w.Field(field)));
        }
    }

    public ProtoWriter Write()
    {
        var writer = new ProtoWriter();
        foreach (var (_, write) in fields.OrderBy(f => f.Number))
        {
            write(writer);
        }

        return writer;
    }
}
