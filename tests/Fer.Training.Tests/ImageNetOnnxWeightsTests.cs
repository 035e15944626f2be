using Fer.Onnx;
using Fer.Training.Model;
using Fer.Training.Weights;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace Fer.Training.Tests;

/// <summary>The packaged ImageNet ResNet (ONNX) imported into ResNet-20 computes what ONNX Runtime computes from the file.</summary>
public sealed class ImageNetOnnxWeightsTests
{
    [Fact]
    public void Imported_backbone_features_equal_onnx_runtime_on_the_original_file()
    {
        var path = ImageNetOnnxWeights.ResolvePackagedModel();
        using var model = ModelTesting.Create(ResNetDepth.ResNet20, CbamPlacement.None, seed: 3);
        var report = WeightLoader.Load(model, path, WeightFormat.ImageNetOnnx);
        Assert.True(report.Fits);
        Assert.Equal(["fc.bias", "fc.weight"], report.KeptNew.Where(k => k.StartsWith("fc.", StringComparison.Ordinal)).Order());
        Assert.Equal(22 + (22 * 4), report.Loaded.Count); // 22 convolutions, 22 batch norms of 4 tensors each

        // The original takes BGR 0..255 minus its mean; ours RGB in the same scale: the same pixels, channels reversed.
        const int Size = 224;
        var random = new Random(5);
        var bgr = new float[3 * Size * Size];
        for (var i = 0; i < bgr.Length; i++)
        {
            bgr[i] = (float)((random.NextDouble() * 255) - 115);
        }

        using var session = new InferenceSession(path);
        var inputName = session.InputMetadata.Keys.Single();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(bgr, [1, 3, Size, Size]))]);
        var expected = results.Single().AsEnumerable<float>().ToArray();

        using var rgb = tensor(bgr, [1, 3, Size, Size]).flip(1);
        model.eval();
        using var noGrad = no_grad();
        using var features = model.Features(rgb);
        var actual = features.data<float>().ToArray();

        Assert.Equal(512, expected.Length);
        var maxDiff = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(maxDiff <= 1e-4, $"max |ours - onnxruntime| = {maxDiff:E2} (features up to {expected.Max():F2})");
    }

    [Fact]
    public void Input_normalisation_is_the_packaged_mean_in_rgb_order_at_pixel_scale()
    {
        var (mean, std) = ImageNetOnnxWeights.ReadInputNormalization(ImageNetOnnxWeights.PackagedPreprocessing);

        // The mean image averages to ImageNet's usual channel means: red highest, blue lowest.
        Assert.InRange(mean[0] * 255, 120, 126);
        Assert.InRange(mean[2] * 255, 100, 106);
        Assert.All(std, s => Assert.Equal(1 / 255f, s));
    }

    [Fact]
    public void A_backbone_of_another_layout_is_refused_key_by_key()
    {
        using var model = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 4);

        var error = Assert.Throws<WeightsMismatchException>(() => WeightLoader.Load(model, ImageNetOnnxWeights.ResolvePackagedModel(), WeightFormat.ImageNetOnnx));

        Assert.Contains("layer4.2.conv1.weight", error.Report!.Unexpected);
        Assert.Contains("--backbone resnet20", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_an_onnx_resnet_is_refused_with_its_name()
    {
        using var temp = new TempDirectory();
        var path = temp.File("not-a-model.onnx");
        File.WriteAllBytes(path, [0x08, 0x07, 0x3A, 0xFF, 0x01]);

        var error = Assert.Throws<InvalidDataException>(() => ImageNetOnnxWeights.ReadStateDict(path));

        Assert.Contains("not-a-model.onnx", error.Message, StringComparison.Ordinal);
    }
}
