using Fer.Inference.Models;
using Fer.Training.Cli;
using Fer.Training.Export;
using Fer.Training.Model;
using Fer.Training.Weights;
using static TorchSharp.torch;

namespace Fer.Training.Tests;

public sealed class WeightLoadingTests
{
    [Fact]
    public void Torchvision_pth_loads_the_backbone_and_leaves_the_head_new()
    {
        using var temp = new TempDirectory();
        using var source = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.None, seed: 11);
        ModelTesting.RandomizeBatchNorm(source, seed: 12);
        var path = temp.File("resnet50-imagenet.pth");
        StateDictFile.Write(path, TorchvisionStyle(source));

        using var target = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.Light, seed: 13);
        var headBefore = target.state_dict()["fc.weight"].clone();
        var report = WeightLoader.Load(target, path, WeightFormat.Torchvision);

        Assert.Equal(["fc.bias", "fc.weight"], report.Skipped);
        Assert.Contains("fc.weight", report.KeptNew);
        Assert.Contains("cbam.channel_attention.fc1.weight", report.KeptNew);
        Assert.Empty(report.Missing);
        Assert.True(target.state_dict()["fc.weight"].equal(headBefore).all().item<bool>());

        // The backbone computes exactly what the source backbone computes: compare the features before CBAM.
        using var plain = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.None, seed: 14);
        WeightLoader.Load(plain, path, WeightFormat.Torchvision);
        using var input = ModelTesting.Input(2, 64, seed: 15);
        source.eval();
        plain.eval();
        using var noGrad = no_grad();
        Assert.True(source.Features(input).equal(plain.Features(input)).all().item<bool>());
    }

    [Fact]
    public void Seed_checkpoint_round_trip_gives_identical_outputs()
    {
        using var temp = new TempDirectory();
        using var source = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.Light, seed: 21);
        ModelTesting.RandomizeBatchNorm(source, seed: 22);
        var path = temp.File("best_resnet50_cbam.pth");
        StateDictFile.Write(path, source.state_dict().ToDictionary(p => WeightNames.ToSeed(p.Key), p => p.Value));

        var seedKeys = StateDictFile.Read(path).Keys.ToList();
        Assert.Contains("resnet.layer4.2.0.conv1.weight", seedKeys);
        Assert.Contains("resnet.layer4.2.1.channel_attention.fc1.weight", seedKeys);
        Assert.Contains("resnet.layer4.2.1.spatial_attention.conv1.weight", seedKeys);
        Assert.Contains("resnet.fc.weight", seedKeys);

        using var target = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.Light, seed: 23);
        var report = WeightLoader.Load(target, path, WeightFormat.ReportPth);

        Assert.True(report.Fits);
        Assert.Empty(report.KeptNew);
        using var input = ModelTesting.Input(2, 64, seed: 24);
        Assert.Equal(ModelTesting.Run(source, input), ModelTesting.Run(target, input));
    }

    [Theory]
    [InlineData("checkpoint.pth")]
    [InlineData("checkpoint.safetensors")]
    public void Own_checkpoint_round_trip_gives_identical_outputs(string fileName)
    {
        using var temp = new TempDirectory();
        using var source = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Full, seed: 31);
        ModelTesting.RandomizeBatchNorm(source, seed: 32);
        StateDictFile.Write(temp.File(fileName), source.state_dict());

        using var target = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Full, seed: 33);
        var report = WeightLoader.Load(target, temp.File(fileName), WeightFormat.Fer);

        Assert.Equal(source.state_dict().Count, report.Loaded.Count);
        using var input = ModelTesting.Input(2, 64, seed: 34);
        Assert.Equal(ModelTesting.Run(source, input), ModelTesting.Run(target, input));
    }

    [Fact]
    public void Weights_of_another_depth_are_refused_with_a_key_by_key_report()
    {
        using var temp = new TempDirectory();
        using var resnet18 = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.None);
        var path = temp.File("resnet18.pth");
        StateDictFile.Write(path, TorchvisionStyle(resnet18));
        using var resnet50 = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.Light, seed: 2);
        var before = Export.WeightsFingerprint.Compute(resnet50);

        var error = Assert.Throws<WeightsMismatchException>(() => WeightLoader.Load(resnet50, path, WeightFormat.Torchvision));

        Assert.NotEmpty(error.Report!.Mismatched);
        Assert.NotEmpty(error.Report.Missing);
        Assert.Contains("layer1.0.conv1.weight file [64, 64, 3, 3] vs model [64, 64, 1, 1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("resnet50", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Export.WeightsFingerprint.Compute(resnet50)); // nothing was half-loaded
    }

    [Fact]
    public void Seed_checkpoint_into_a_model_without_cbam_names_the_unexpected_keys()
    {
        using var temp = new TempDirectory();
        using var source = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.Light);
        var path = temp.File("seed.pth");
        StateDictFile.Write(path, source.state_dict().ToDictionary(p => WeightNames.ToSeed(p.Key), p => p.Value));
        using var plain = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.None);

        var error = Assert.Throws<WeightsMismatchException>(() => WeightLoader.Load(plain, path, WeightFormat.ReportPth));

        Assert.Contains("cbam.channel_attention.fc1.weight", error.Report!.Unexpected);
        Assert.Contains("--cbam light", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_and_unreadable_files_get_clear_errors()
    {
        using var temp = new TempDirectory();
        using var model = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.None);
        File.WriteAllText(temp.File("notes.pth"), "this is not a PyTorch file");

        var missing = Assert.Throws<FileNotFoundException>(() => WeightLoader.Load(model, temp.File("absent.pth"), WeightFormat.Fer));
        var garbage = Assert.Throws<InvalidDataException>(() => WeightLoader.Load(model, temp.File("notes.pth"), WeightFormat.Fer));

        Assert.Contains("absent.pth", missing.Message, StringComparison.Ordinal);
        Assert.Contains("notes.pth", garbage.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("resnet.conv1.weight", "conv1.weight")]
    [InlineData("resnet.layer4.2.0.bn3.running_var", "layer4.2.bn3.running_var")]
    [InlineData("resnet.layer4.2.1.spatial_attention.conv1.weight", "cbam.spatial_attention.conv1.weight")]
    [InlineData("resnet.layer4.1.conv2.weight", "layer4.1.conv2.weight")]
    [InlineData("resnet.fc.bias", "fc.bias")]
    public void Seed_names_map_onto_ours_and_back(string seed, string ours)
    {
        Assert.Equal(ours, WeightNames.FromReport(seed));
        Assert.Equal(seed, WeightNames.ToSeed(ours));
    }

    /// <summary>What torchvision's ImageNet file holds: the backbone plus a 1000-class head.</summary>
    [Fact]
    public void An_exported_model_folder_starts_a_run_with_its_weights_and_normalisation()
    {
        using var temp = new TempDirectory();
        using var source = ModelTesting.Create(ResNetDepth.ResNet20, CbamPlacement.Light, seed: 81);
        ModelTesting.RandomizeBatchNorm(source, seed: 82);
        var input = new ModelInput { Size = 48, Mean = [0.1f, 0.2f, 0.3f], Std = [0.5f, 0.5f, 0.5f] };
        ModelVersionWriter.Write(source, temp.Path, input, null, DateTimeOffset.UnixEpoch, mirrorAverage: true);

        var initial = InitialWeights.Resolve(temp.Path, WeightFormat.Torchvision);
        using var target = ModelTesting.Create(ResNetDepth.ResNet20, CbamPlacement.Light, seed: 83);
        var report = WeightLoader.Load(target, initial.Path!, initial.Format);

        Assert.Equal(WeightFormat.ExportedOnnx, initial.Format);
        Assert.Equal([0.1f, 0.2f, 0.3f], initial.Mean!);
        Assert.Equal([0.5f, 0.5f, 0.5f], initial.Std!);
        Assert.Empty(report.Unexpected);
        Assert.All(report.KeptNew, key => Assert.EndsWith("num_batches_tracked", key, StringComparison.Ordinal));
        using var batch = ModelTesting.Input(2, 48, seed: 84);
        Assert.Equal(ModelTesting.Run(source, batch), ModelTesting.Run(target, batch));
    }

    [Fact]
    public void An_exported_model_folder_of_another_backbone_is_refused()
    {
        using var temp = new TempDirectory();
        using var source = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.None, seed: 85);
        ModelVersionWriter.Write(source, temp.Path, new ModelInput { Size = 48 }, null, DateTimeOffset.UnixEpoch);

        var initial = InitialWeights.Resolve(temp.Path, WeightFormat.Torchvision);
        using var target = ModelTesting.Create(ResNetDepth.ResNet20, CbamPlacement.Light, seed: 86);

        var error = Assert.Throws<WeightsMismatchException>(() => WeightLoader.Load(target, initial.Path!, initial.Format));
        Assert.Contains("resnet20", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, Tensor> TorchvisionStyle(FerResNet model)
    {
        var state = model.state_dict().Where(p => !WeightNames.IsCbam(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        state["fc.weight"] = randn(1000, model.FeatureChannels);
        state["fc.bias"] = randn(1000);
        return state;
    }
}
