using Fer.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Fer.Training.Tests;

/// <summary>
/// The writer's protobuf field numbers checked by a reader that does not share them (ONNX Runtime):
/// every kind of field the writer emits shows up where onnx.proto says it belongs.
/// </summary>
public sealed class OnnxGraphTests
{
    [Fact]
    public void Onnx_runtime_reads_every_field_the_writer_emits()
    {
        using var temp = new TempDirectory();
        var path = temp.File("tiny.onnx");
        WriteTinyModel(path);

        using var session = new InferenceSession(path);
        var metadata = session.ModelMetadata;
        Assert.Equal("fer-train", metadata.ProducerName);
        Assert.Equal("tiny", metadata.GraphName);
        Assert.Equal("value", metadata.CustomMetadataMap["key"]);
        Assert.Equal("N", session.InputMetadata["x"].SymbolicDimensions[0]);
        Assert.Equal([-1, 2], session.InputMetadata["x"].Dimensions);
        Assert.Equal([-1, 3, 1], session.OutputMetadata["y"].Dimensions);

        // y = transpose(unsqueeze(2 * x W^T + b)): float, int and ints attributes, float and int64 initializers.
        var x = new DenseTensor<float>(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", x)]);
        Assert.Equal([10.5f, 0.5f, 6.5f, 22.5f, 0.5f, 14.5f], results[0].AsEnumerable<float>());
    }

    private static void WriteTinyModel(string path)
    {
        var graph = new OnnxGraph();
        var weight = graph.Initializer("w", [3, 2], [1, 2, 0, 0, 1, 1]);
        var bias = graph.Initializer("b", [3], [0.5f, 0.5f, 0.5f]);
        var gemm = graph.Node("Gemm", ["x", weight, bias], attributes: [OnnxAttributeValue.OfFloat("alpha", 2), OnnxAttributeValue.OfInt("transB", 1)]);
        var unsqueezed = graph.Node("Unsqueeze", [gemm, graph.Int64Initializer("axes", [1])]);
        graph.Node("Transpose", [unsqueezed], "y", [OnnxAttributeValue.OfInts("perm", 0, 2, 1)]);

        using var stream = File.Create(path);
        graph.WriteModel(stream, new OnnxModelInfo
        {
            GraphName = "tiny",
            InputName = "x",
            InputShape = [OnnxDimension.Dynamic("N"), OnnxDimension.Fixed(2)],
            OutputName = "y",
            OutputShape = [OnnxDimension.Dynamic("N"), OnnxDimension.Fixed(3), OnnxDimension.Fixed(1)],
            Metadata = [new("key", "value")],
        });
    }
}
