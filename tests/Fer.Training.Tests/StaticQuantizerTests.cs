using System.Text.Json.Nodes;
using Fer.Inference.Models;
using Fer.Onnx;
using Fer.Training.Quantization;

namespace Fer.Training.Tests;

/// <summary>The static int8 quantiser on a small generated model, run by ONNX Runtime (no mocks).</summary>
public sealed class StaticQuantizerTests
{
    [Fact]
    public void The_int8_model_runs_integer_kernels_and_stays_close_to_fp32()
    {
        using var temp = new TempDirectory();
        var fp32Path = SmallConvModel.Write(temp.File("small.onnx"), seed: 7);
        var calibration = SmallConvModel.RandomInputs(64, seed: 11);
        var int8Path = temp.File("small.int8.onnx");

        var quantized = StaticQuantizer.Quantize(OnnxModelFile.Read(fp32Path), calibration, [3, SmallConvModel.Size, SmallConvModel.Size], new QuantizationSettings { BatchSize = 8 });
        quantized.Model.Write(int8Path);

        // BatchNormalization folded; the three Conv and the Gemm quantised.
        Assert.Equal(4, quantized.Plan.Ops.Count);
        Assert.DoesNotContain(quantized.Model.Graph.Nodes, n => n.OpType == "BatchNormalization");
        var kernels = OptimizedKernels.Count(int8Path).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(3, kernels["com.microsoft:QLinearConv"]);
        Assert.False(kernels.ContainsKey("Conv"));

        var fresh = SmallConvModel.RandomInputs(16, seed: 12);
        var expected = SmallConvModel.Run(fp32Path, fresh, 16);
        var actual = SmallConvModel.Run(int8Path, fresh, 16);
        var spread = expected.Max() - expected.Min();
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst < 0.05 * spread, $"int8 differs from fp32 by up to {worst} on outputs spanning {spread}");
    }

    [Fact]
    public void Folding_batch_normalisation_leaves_the_fp32_outputs_as_they_were()
    {
        using var temp = new TempDirectory();
        var path = SmallConvModel.Write(temp.File("small.onnx"), seed: 2);
        var model = OnnxModelFile.Read(path);

        Assert.Equal(1, BatchNormFolding.Apply(model));
        model.Write(temp.File("folded.onnx"));

        var inputs = SmallConvModel.RandomInputs(4, seed: 3);
        var (before, after) = (SmallConvModel.Run(path, inputs, 4), SmallConvModel.Run(temp.File("folded.onnx"), inputs, 4));
        Assert.All(before.Zip(after), pair => Assert.Equal(pair.First, pair.Second, 1e-4f));
    }

    [Fact]
    public void Each_output_channel_gets_its_own_symmetric_scale()
    {
        // Two output channels of [2,1,1,2]: the first's largest magnitude is 2.54, the second's 0.127.
        float[] weights = [2.54f, -1.27f, 0.0635f, -0.127f];

        var (values, scales) = WeightQuantization.PerChannel(weights, [2, 1, 1, 2], axis: 0);

        Assert.Equal([0.02f, 0.001f], scales, (a, b) => Math.Abs(a - b) < 1e-7);
        Assert.Equal(new sbyte[] { 127, -64, 64, -127 }, values);
    }

    [Fact]
    public void Per_channel_scales_follow_the_axis_the_output_channels_are_on()
    {
        // MatMul's weight is [K, N]: the output channels are its columns.
        float[] weights = [1f, 10f, -2f, 5f];

        var (_, scales) = WeightQuantization.PerChannel(weights, [2, 2], axis: 1);

        Assert.Equal([2f / 127, 10f / 127], scales, (a, b) => Math.Abs(a - b) < 1e-7);
    }

    [Fact]
    public void Activations_cover_zero_and_relu_outputs_get_zero_point_zero()
    {
        var relu = ActivationQuantization.For(new TensorRange(0, 5.1f), ActivationType.Asymmetric);
        var shifted = ActivationQuantization.For(new TensorRange(1, 2.55f), ActivationType.Asymmetric);
        var symmetric = ActivationQuantization.For(new TensorRange(-2.54f, 1), ActivationType.Symmetric);

        Assert.Equal((0.02f, 0), (relu.Scale, relu.ZeroPoint));
        Assert.Equal((0.01f, 0), (shifted.Scale, shifted.ZeroPoint));
        Assert.Equal((0.02f, 0), (symmetric.Scale, symmetric.ZeroPoint));
        Assert.Equal(100, ActivationQuantization.For(new TensorRange(-1, 1.55f), ActivationType.Asymmetric).ZeroPoint);
    }

    [Fact]
    public void Listing_a_variant_keeps_the_manifest_in_its_own_spelling_and_replaces_one_of_the_same_precision()
    {
        using var temp = new TempDirectory();
        var path = temp.File("face-detector.json");
        File.Copy(Path.Combine(TestRepository.Root, "models", "face-detector", "face-detector.json"), path);
        var variant = new OnnxVariant { Precision = ModelPrecision.Integer8, File = "x.int8.onnx", Sha256 = new string('a', 64), Bytes = 3 };

        ManifestVariants.Add(path, variant);
        ManifestVariants.Add(path, variant with { Bytes = 4 });

        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(1, (int)json["schema"]!);
        Assert.NotNull(json["decoding"]!["score_threshold"]);
        Assert.Equal("fp32", (string)json["onnx"]!["precision"]!);
        var variants = json["onnx"]!["variants"]!.AsArray();
        Assert.Equal(4, (long)Assert.Single(variants)!["bytes"]!);
    }
}
