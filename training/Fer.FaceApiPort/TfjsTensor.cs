namespace Fer.FaceApiPort;

/// <summary>
/// One tensor read from a TF.js weights manifest, with the values TF.js would hold after loading
/// (dequantized to float32; int32 and bool tensors keep their whole-number values).
/// </summary>
public sealed record TfjsTensor(string Name, IReadOnlyList<long> Shape, string DType, float[] Values)
{
    public long ElementCount => Shape.Aggregate(1L, (product, dim) => product * dim);

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
