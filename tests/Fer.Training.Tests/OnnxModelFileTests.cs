using Fer.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Fer.Training.Tests;

/// <summary>A whole ONNX model read into <see cref="OnnxModelFile"/> and written back is the same model.</summary>
public sealed class OnnxModelFileTests
{
    [Fact]
    public void A_model_read_and_written_back_has_the_same_bytes_and_gives_the_same_outputs()
    {
        using var temp = new TempDirectory();
        var original = SmallConvModel.Write(temp.File("small.onnx"), seed: 3);
        var rewritten = temp.File("rewritten.onnx");

        OnnxModelFile.Read(original).Write(rewritten);

        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(rewritten));
        var input = SmallConvModel.RandomInputs(2, seed: 5);
        Assert.Equal(SmallConvModel.Run(original, input, 2), SmallConvModel.Run(rewritten, input, 2));
    }

    [Fact]
    public void The_shipped_face_detector_survives_a_round_trip_byte_for_byte()
    {
        var path = Path.Combine(TestRepository.Root, "models", "face-detector", "ssd_mobilenetv1.onnx");

        var model = OnnxModelFile.Read(path);

        Assert.Equal(17, model.Opset);
        Assert.Contains(model.Graph.Nodes, n => n.OpType == "Conv");
        Assert.Equal(File.ReadAllBytes(path), model.ToBytes());
    }

    [Fact]
    public void Edits_survive_writing_fields_the_model_does_not_model_included()
    {
        using var temp = new TempDirectory();
        var model = OnnxModelFile.Read(SmallConvModel.Write(temp.File("small.onnx"), seed: 1));
        model.Metadata.Add(new("edited", "yes"));
        model.Graph.Outputs.Add(OnnxValueInfo.OfFloatTensor(model.Graph.Nodes[0].Outputs[0]));
        var path = temp.File("edited.onnx");

        model.Write(path);

        using var session = new InferenceSession(path);
        Assert.Equal("yes", session.ModelMetadata.CustomMetadataMap["edited"]);
        Assert.Equal(2, session.OutputMetadata.Count);
        Assert.Equal("fer-train", session.ModelMetadata.ProducerName);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_refused_naming_the_file()
    {
        using var temp = new TempDirectory();
        var path = temp.File("not.onnx");
        File.WriteAllBytes(path, [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);

        var error = Assert.Throws<InvalidDataException>(() => OnnxModelFile.Read(path));

        Assert.Contains("not.onnx' is not a readable ONNX model", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>
/// A small random-weight image model with what the quantiser meets in Fer's models: Conv + BatchNormalization + ReLU,
/// a depthwise Conv + Clip (ReLU6), a residual Add, global pooling and Gemm.
/// </summary>
internal static class SmallConvModel
{
    public const int Size = 16;

    public static string Write(string path, int seed)
    {
        var random = new Random(seed);
        float[] Random(int count, float scale, float offset = 0) => [.. Enumerable.Range(0, count).Select(_ => (((float)random.NextDouble() * 2) - 1) * scale + offset)];
        var graph = new OnnxGraph();
        var pads = OnnxAttributeValue.OfInts("pads", 1, 1, 1, 1);
        var conv1 = graph.Node("Conv", ["input", graph.Initializer("w1", [8, 3, 3, 3], Random(8 * 27, 0.4f)), graph.Initializer("b1", [8], Random(8, 0.1f))], attributes: [pads]);
        var norm = graph.Node("BatchNormalization", [conv1, graph.Initializer("gamma", [8], Random(8, 0.2f, 1)), graph.Initializer("beta", [8], Random(8, 0.1f)),
            graph.Initializer("mean", [8], Random(8, 0.1f)), graph.Initializer("var", [8], Random(8, 0.2f, 1))]);
        var relu = graph.Node("Relu", [norm]);
        var depthwise = graph.Node("Conv", [relu, graph.Initializer("w2", [8, 1, 3, 3], Random(8 * 9, 0.5f))], attributes: [pads, OnnxAttributeValue.OfInt("group", 8)]);
        var clip = graph.Node("Clip", [depthwise, graph.Initializer("zero", [], [0f]), graph.Initializer("six", [], [6f])]);
        var pointwise = graph.Node("Conv", [clip, graph.Initializer("w3", [8, 8, 1, 1], Random(64, 0.4f)), graph.Initializer("b3", [8], Random(8, 0.1f))]);
        var residual = graph.Node("Relu", [graph.Node("Add", [pointwise, relu])]);
        var pooled = graph.Node("Flatten", [graph.Node("GlobalAveragePool", [residual])]);
        graph.Node("Gemm", [pooled, graph.Initializer("w4", [4, 8], Random(32, 0.5f)), graph.Initializer("b4", [4], Random(4, 0.1f))], "output", [OnnxAttributeValue.OfInt("transB", 1)]);
        using (var stream = File.Create(path))
        {
            graph.WriteModel(stream, new OnnxModelInfo
            {
                InputName = "input",
                InputShape = [OnnxDimension.Dynamic("N"), OnnxDimension.Fixed(3), OnnxDimension.Fixed(Size), OnnxDimension.Fixed(Size)],
                OutputName = "output",
                OutputShape = [OnnxDimension.Dynamic("N"), OnnxDimension.Fixed(4)],
                Metadata = [new("name", "small")],
            });
        }

        return path;
    }

    /// <summary><paramref name="count"/> inputs of [3, Size, Size], each value uniform in -1..1.</summary>
    public static List<float[]> RandomInputs(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 3 * Size * Size).Select(_ => ((float)random.NextDouble() * 2) - 1).ToArray())];
    }

    public static float[] Run(string path, IReadOnlyList<float[]> inputs, int count)
    {
        using var session = new InferenceSession(path);
        var tensor = new DenseTensor<float>(inputs.Take(count).SelectMany(i => i).ToArray(), [count, 3, Size, Size]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
        return [.. results[0].AsEnumerable<float>()];
    }
}
