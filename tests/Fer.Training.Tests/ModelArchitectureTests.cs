using Fer.Training.Model;
using Fer.Training.Weights;
using static TorchSharp.torch;

namespace Fer.Training.Tests;

public sealed class ModelArchitectureTests
{
    [Theory]
    [InlineData(ResNetDepth.ResNet50, CbamPlacement.Light, 2048)]
    [InlineData(ResNetDepth.ResNet50, CbamPlacement.None, 2048)]
    [InlineData(ResNetDepth.ResNet50, CbamPlacement.Full, 2048)]
    [InlineData(ResNetDepth.ResNet18, CbamPlacement.Light, 512)]
    [InlineData(ResNetDepth.ResNet34, CbamPlacement.Full, 512)]
    public void Forward_gives_seven_logits_per_image(ResNetDepth depth, CbamPlacement cbam, long features)
    {
        using var model = ModelTesting.Create(depth, cbam);
        model.eval();
        using var input = ModelTesting.Input(batch: 3, size: 64, seed: 1);
        using var noGrad = no_grad();
        using var logits = model.call(input);
        using var pooled = model.Features(input);

        Assert.Equal([3L, 7L], logits.shape);
        Assert.Equal([3L, features], pooled.shape);
        Assert.Equal(features, model.FeatureChannels);
    }

    [Fact]
    public void ResNet50_with_a_seven_class_head_has_torchvisions_parameter_count()
    {
        using var model = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.None);

        var derived = TorchvisionReference.ParameterCount(ResNetDepth.ResNet50, classes: 7);
        Assert.Equal(23_522_375L, derived);
        Assert.Equal(derived, CountParameters(model));
    }

    [Fact]
    public void Light_cbam_adds_exactly_one_cbam_on_2048_channels()
    {
        using var plain = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.None);
        using var light = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.Light);

        var cbam = TorchvisionReference.CbamParameterCount(2048);
        Assert.Equal(524_386L, cbam);
        Assert.Equal(cbam, CountParameters(light) - CountParameters(plain));
    }

    [Theory]
    [InlineData(ResNetDepth.ResNet18)]
    [InlineData(ResNetDepth.ResNet34)]
    [InlineData(ResNetDepth.ResNet50)]
    public void Full_cbam_adds_one_cbam_per_residual_block(ResNetDepth depth)
    {
        using var plain = ModelTesting.Create(depth, CbamPlacement.None);
        using var full = ModelTesting.Create(depth, CbamPlacement.Full);

        var expansion = depth == ResNetDepth.ResNet50 ? 4 : 1;
        var expected = 0L;
        var widths = new[] { 64, 128, 256, 512 };
        var blocks = depth == ResNetDepth.ResNet18 ? new[] { 2, 2, 2, 2 } : [3, 4, 6, 3];
        for (var stage = 0; stage < 4; stage++)
        {
            expected += blocks[stage] * TorchvisionReference.CbamParameterCount(widths[stage] * expansion);
        }

        Assert.Equal(expected, CountParameters(full) - CountParameters(plain));
    }

    [Theory]
    [InlineData(ResNetDepth.ResNet18)]
    [InlineData(ResNetDepth.ResNet34)]
    [InlineData(ResNetDepth.ResNet50)]
    public void Plain_model_has_torchvisions_parameter_count(ResNetDepth depth)
    {
        using var model = ModelTesting.Create(depth, CbamPlacement.None);
        Assert.Equal(TorchvisionReference.ParameterCount(depth, classes: 7), CountParameters(model));
    }

    [Theory]
    [InlineData(ResNetDepth.ResNet18, CbamPlacement.Light)]
    [InlineData(ResNetDepth.ResNet34, CbamPlacement.None)]
    [InlineData(ResNetDepth.ResNet50, CbamPlacement.Light)]
    [InlineData(ResNetDepth.ResNet50, CbamPlacement.Full)]
    public void Backbone_state_dict_keys_and_shapes_equal_torchvisions(ResNetDepth depth, CbamPlacement cbam)
    {
        using var model = ModelTesting.Create(depth, cbam);
        var ours = model.state_dict().Keys.Where(k => !WeightNames.IsCbam(k)).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(TorchvisionReference.StateDictKeys(depth).Order(StringComparer.Ordinal), ours);
        Assert.All(model.state_dict().Keys.Where(WeightNames.IsCbam), key =>
            Assert.Matches(@"(^cbam\.|\.cbam\.)(channel_attention\.fc[12]|spatial_attention\.conv1)\.weight$", key));
    }

    [Fact]
    public void Light_cbam_has_the_seeds_shapes()
    {
        using var model = ModelTesting.Create(ResNetDepth.ResNet50, CbamPlacement.Light);
        var state = model.state_dict();

        Assert.Equal([128L, 2048, 1, 1], state["cbam.channel_attention.fc1.weight"].shape);
        Assert.Equal([2048L, 128, 1, 1], state["cbam.channel_attention.fc2.weight"].shape);
        Assert.Equal([1L, 2, 7, 7], state["cbam.spatial_attention.conv1.weight"].shape);
        Assert.Equal([7L, 2048], state["fc.weight"].shape);
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_and_another_seed_does_not()
    {
        using var a = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 5);
        using var b = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 5);
        using var c = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 6);

        Assert.Equal(Export.WeightsFingerprint.Compute(a), Export.WeightsFingerprint.Compute(b));
        Assert.NotEqual(Export.WeightsFingerprint.Compute(a), Export.WeightsFingerprint.Compute(c));
    }

    [Fact]
    public async Task Weights_do_not_depend_on_other_users_of_torchs_global_generator()
    {
        using var expected = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 5);
        using var stop = new CancellationTokenSource();
        var noise = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var draw = randn(64);
            }
        });

        using var built = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 5);
        stop.Cancel();
        await noise;

        Assert.Equal(Export.WeightsFingerprint.Compute(expected), Export.WeightsFingerprint.Compute(built));
    }

    [Fact]
    public void Initialisation_follows_torchvision_and_pytorch_defaults()
    {
        using var model = ModelTesting.Create(ResNetDepth.ResNet18, CbamPlacement.Light, seed: 3);
        var state = model.state_dict();

        // Kaiming normal, fan_out, ReLU gain: std = sqrt(2 / (64 * 7 * 7)).
        var stem = state["conv1.weight"];
        Assert.InRange(stem.std().item<float>(), 0.9 * Math.Sqrt(2.0 / (64 * 49)), 1.1 * Math.Sqrt(2.0 / (64 * 49)));
        Assert.InRange(Math.Abs(stem.mean().item<float>()), 0, 0.002);

        // PyTorch's default for the head and CBAM: uniform within 1/sqrt(fan_in), filling the range.
        foreach (var (key, fanIn) in new[] { ("fc.weight", 512.0), ("cbam.channel_attention.fc1.weight", 512.0), ("cbam.spatial_attention.conv1.weight", 2 * 49.0) })
        {
            var bound = 1 / Math.Sqrt(fanIn);
            var values = state[key];
            Assert.InRange(values.abs().max().item<float>(), 0.8 * bound, bound);
        }

        Assert.True(state["bn1.weight"].eq(1).all().item<bool>());
        Assert.True(state["bn1.bias"].eq(0).all().item<bool>());
    }

    private static long CountParameters(nn.Module model) => model.parameters().Sum(p => p.numel());
}
