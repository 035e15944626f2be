using Fer.Inference;
using Fer.Inference.Models;
using Fer.Onnx;
using Fer.Training.Export;
using Fer.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Tests;

public sealed class OnnxExportTests
{
    [Theory]
    [InlineData(ResNetDepth.ResNet50, CbamPlacement.Light, 64)]
    [InlineData(ResNetDepth.ResNet50, CbamPlacement.Light, 112)]
    [InlineData(ResNetDepth.ResNet50, CbamPlacement.None, 64)]
    [InlineData(ResNetDepth.ResNet50, CbamPlacement.None, 112)]
    [InlineData(ResNetDepth.ResNet50, CbamPlacement.Full, 64)]
    [InlineData(ResNetDepth.ResNet50, CbamPlacement.Full, 112)]
    [InlineData(ResNetDepth.ResNet18, CbamPlacement.Light, 64)]
    [InlineData(ResNetDepth.ResNet34, CbamPlacement.Full, 64)]
    public void Onnx_runtime_reproduces_torchsharp(ResNetDepth depth, CbamPlacement cbam, int size)
    {
        using var temp = new TempDirectory();
        using var model = ModelTesting.Create(depth, cbam, seed: 41);
        ModelTesting.RandomizeBatchNorm(model, seed: 42);
        var manifest = ModelVersionWriter.Write(model, temp.Path, new ModelInput { Size = size }, training: null, DateTimeOffset.UnixEpoch);

        var parity = ParityChecker.Check(model, temp.File(manifest.Onnx.File), size, [1, 4], seed: 43);

        Assert.True(parity.MaxAbsDiff <= 1e-4, $"max_abs_diff {parity.MaxAbsDiff}");
        Assert.Equal(1.0, parity.ArgmaxAgreement);
        Assert.True(parity.Passed);
    }

    [Fact]
    public void The_artifact_follows_the_contract()
    {
        using var temp = new TempDirectory();
        using var model = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 51);
        var manifest = ModelVersionWriter.Write(model, temp.Path, new ModelInput { Size = 96, Color = "gray" }, training: null, new DateTimeOffset(2026, 11, 27, 18, 30, 0, TimeSpan.Zero));
        var onnxPath = temp.File("model.onnx");

        using var session = new OnnxLogitsSession(onnxPath);
        Assert.Equal("input", session.InputName);
        Assert.Equal("logits", session.OutputName);
        Assert.Equal(96, session.ImageSize);
        Assert.Equal(7, session.ClassCount);
        Assert.Equal(manifest.Version, session.Metadata["version"]);
        Assert.Equal("[\"Surprise\",\"Fear\",\"Disgust\",\"Happiness\",\"Sadness\",\"Anger\",\"Neutral\"]", session.Metadata["labels"]);
        Assert.Equal(7 * 3, session.Run(new float[3 * 3 * 96 * 96], 3).Length); // dynamic batch

        var reloaded = ModelManifest.Load(temp.File(ModelManifest.FileName));
        Assert.Matches(@"^20261127T1830Z-[0-9a-f]{7}$", reloaded.Version);
        Assert.Equal(EmotionLabels.Canonical, reloaded.Labels);
        Assert.Equal(ModelVersionFolder.Sha256Of(onnxPath), reloaded.Onnx.Sha256);
        Assert.Equal(new FileInfo(onnxPath).Length, reloaded.Onnx.Bytes);
        Assert.Equal(17, reloaded.Onnx.Opset);
        Assert.Equal("gray", reloaded.Input.Color);
        Assert.Equal(new ModelArchitecture("resnet18", "light"), reloaded.Architecture);
    }

    [Fact]
    public void A_mirror_averaged_export_reproduces_torchsharp_and_says_so_in_its_manifest()
    {
        using var temp = new TempDirectory();
        using var model = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 71);
        ModelTesting.RandomizeBatchNorm(model, seed: 72);
        var manifest = ModelVersionWriter.Write(model, temp.Path, new ModelInput { Size = 64 }, training: null, DateTimeOffset.UnixEpoch, mirrorAverage: true);
        using var mirrored = new MirrorAveragedClassifier(model);

        var parity = ParityChecker.Check(mirrored, temp.File(manifest.Onnx.File), 64, [1, 3], seed: 73);

        Assert.True(parity.MaxAbsDiff <= 1e-4, $"max_abs_diff {parity.MaxAbsDiff}");
        Assert.True(parity.Passed);
        var reloaded = ModelManifest.Load(temp.File(ModelManifest.FileName));
        Assert.Equal(new ModelArchitecture("resnet18", "light", "horizontal-flip-average"), reloaded.Architecture);
        using var session = new OnnxLogitsSession(temp.File(manifest.Onnx.File));
        Assert.Equal("horizontal-flip-average", session.Metadata["test_time_augmentation"]);
    }

    [Fact]
    public void A_mirror_averaged_model_averages_the_face_and_its_mirror_image_and_cannot_tell_them_apart()
    {
        using var temp = new TempDirectory();
        using var model = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 81);
        ModelTesting.RandomizeBatchNorm(model, seed: 82);
        var manifest = ModelVersionWriter.Write(model, temp.Path, new ModelInput { Size = 48 }, training: null, DateTimeOffset.UnixEpoch, mirrorAverage: true);
        using var input = ModelTesting.Input(batch: 2, size: 48, seed: 83);
        using var mirror = input.flip(3);

        var plain = ModelTesting.Run(model, input);
        var plainOfMirror = ModelTesting.Run(model, mirror);
        using var session = new OnnxLogitsSession(temp.File(manifest.Onnx.File));
        var averaged = session.Run(input.contiguous().data<float>().ToArray(), 2);
        var averagedOfMirror = session.Run(mirror.contiguous().data<float>().ToArray(), 2);

        Assert.True(plain.Zip(plainOfMirror).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "a random model should see a face and its mirror image differently");
        for (var i = 0; i < plain.Length; i++)
        {
            Assert.Equal((plain[i] + plainOfMirror[i]) / 2, averaged[i], 1e-4);
            Assert.Equal(averaged[i], averagedOfMirror[i], 1e-4);
        }
    }

    [Fact]
    public void An_ensemble_returns_the_mean_of_its_networks_logits_and_says_so_in_its_manifest()
    {
        using var temp = new TempDirectory();
        using var first = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 91);
        using var second = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 92);
        ModelTesting.RandomizeBatchNorm(first, seed: 93);
        ModelTesting.RandomizeBatchNorm(second, seed: 94);
        var manifest = ModelVersionWriter.Write([first, second], temp.Path, new ModelInput { Size = 48 }, training: null, DateTimeOffset.UnixEpoch);
        using var input = ModelTesting.Input(batch: 3, size: 48, seed: 95);

        var firstLogits = ModelTesting.Run(first, input);
        var secondLogits = ModelTesting.Run(second, input);
        using var session = new OnnxLogitsSession(temp.File(manifest.Onnx.File));
        var ensembled = session.Run(input.contiguous().data<float>().ToArray(), 3);

        Assert.True(firstLogits.Zip(secondLogits).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "two random networks should disagree");
        for (var i = 0; i < firstLogits.Length; i++)
        {
            Assert.Equal((firstLogits[i] + secondLogits[i]) / 2, ensembled[i], 1e-4);
        }

        Assert.Equal(new ModelArchitecture("resnet18", "light", Ensemble: 2), ModelManifest.Load(temp.File(ModelManifest.FileName)).Architecture);
        Assert.Equal("2", session.Metadata["ensemble"]);
        Assert.NotEqual(WeightsFingerprint.Compute([first, second])[..7], WeightsFingerprint.Compute([second, first])[..7]);
    }

    [Fact]
    public void A_mirror_averaged_ensemble_reproduces_torchsharp()
    {
        using var temp = new TempDirectory();
        using var first = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 101);
        using var second = ModelTesting.Create(ResNetDepth.ResNet34, CbamPlacement.None, seed: 102);
        ModelTesting.RandomizeBatchNorm(second, seed: 103);
        var manifest = ModelVersionWriter.Write([first, second], temp.Path, new ModelInput { Size = 40 }, training: null, DateTimeOffset.UnixEpoch, mirrorAverage: true);

        var parity = ParityChecker.Check(ModelVersionWriter.Classifier([first, second], mirrorAverage: true), temp.File(manifest.Onnx.File), 40, [1, 3], seed: 104);

        Assert.True(parity.Passed, $"max_abs_diff {parity.MaxAbsDiff}, argmax agreement {parity.ArgmaxAgreement}");
        Assert.Equal(new ModelArchitecture("resnet18+resnet34", "light+none", "horizontal-flip-average", 2), manifest.Architecture);
    }

    [Fact]
    public void An_ensemble_of_networks_with_different_classes_is_refused()
    {
        using var seven = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.None, seed: 111);
        using var three = FerModelFactory.Create(new FerModelOptions { Depth = ResNetDepth.ResNet18, Cbam = CbamPlacement.None, NumClasses = 3 }, seed: 112);

        var error = Assert.Throws<ArgumentException>(() => new LogitAveragingEnsemble([seven, three]));

        Assert.Contains("same classes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_weights_export_to_the_same_bytes()
    {
        using var temp = new TempDirectory();
        using var model = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.None, seed: 61);
        var first = ModelVersionWriter.Write(model, Path.Combine(temp.Path, "a"), new ModelInput { Size = 64 }, null, DateTimeOffset.UnixEpoch);
        var second = ModelVersionWriter.Write(model, Path.Combine(temp.Path, "b"), new ModelInput { Size = 64 }, null, DateTimeOffset.UnixEpoch);

        Assert.Equal(first.Onnx.Sha256, second.Onnx.Sha256);
    }

    [Fact]
    public void Asymmetric_zero_padding_and_relu6_reproduce_torchsharp()
    {
        using var temp = new TempDirectory();
        using var model = new PaddedClippedBlock();
        using (var stream = File.Create(temp.File("model.onnx")))
        {
            OnnxExporter.Export(model, 33, 5, [], stream);
        }

        using var input = ModelTesting.Input(batch: 2, size: 33, seed: 121).mul(8); // wide enough for relu6 to clip
        var expected = ModelTesting.Run(model, input);
        using var session = new OnnxLogitsSession(temp.File("model.onnx"));
        var actual = session.Run(input.contiguous().data<float>().ToArray(), 2);

        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4, "ONNX Runtime disagrees with TorchSharp");
    }

    [Fact]
    public void A_module_without_an_onnx_translation_is_refused_by_name_and_path()
    {
        using var model = new BlockWithUnknownChild();
        using var stream = new MemoryStream();

        var error = Assert.Throws<UnsupportedModuleException>(() => OnnxExporter.Export(model, 32, 7, [], stream));

        Assert.Equal("head.1", error.ModulePath);
        Assert.Equal("TorchSharp.Modules.GELU", error.ModuleType);
        Assert.Contains("'head.1' of type 'TorchSharp.Modules.GELU'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_root_module_that_does_not_describe_its_graph_is_refused()
    {
        using var model = nn.Sequential(nn.Conv2d(3, 7, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten());
        using var stream = new MemoryStream();

        var error = Assert.Throws<UnsupportedModuleException>(() => OnnxExporter.Export(model, 32, 7, [], stream));

        Assert.Contains("TorchSharp.Modules.Sequential", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Different padding on each side (as TF's 'same' needs), a stride-2 convolution and relu6, per channel pooled.</summary>
    private sealed class PaddedClippedBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
    {
        private readonly TorchSharp.Modules.Sequential head;

        public PaddedClippedBlock()
            : base(nameof(PaddedClippedBlock))
        {
            head = nn.Sequential(nn.ZeroPad2d((0, 1, 2, 0)), nn.Conv2d(3, 5, 3, stride: 2), nn.ReLU6(), nn.AdaptiveAvgPool2d(1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => head.call(input).flatten(1);

        public string EmitOnnx(OnnxExportContext context, string input) =>
            context.Graph.Node("Flatten", [context.Emit(head, "head", input)], attributes: [OnnxAttributeValue.OfInt("axis", 1)]);
    }

    /// <summary>A module of ours whose head hides a GELU, which the exporter does not translate.</summary>
    private sealed class BlockWithUnknownChild : nn.Module<Tensor, Tensor>, IOnnxExportable
    {
        private readonly TorchSharp.Modules.Sequential head;

        public BlockWithUnknownChild()
            : base(nameof(BlockWithUnknownChild))
        {
            head = nn.Sequential(nn.Conv2d(3, 7, 3), nn.GELU(), nn.AdaptiveAvgPool2d(1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => head.call(input).flatten(1);

        public string EmitOnnx(OnnxExportContext context, string input) => context.Emit(head, "head", input);
    }
}
