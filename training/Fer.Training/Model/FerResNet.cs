using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.Training.Model;

/// <summary>
/// ResNet-18/34/50 with torchvision's parameter names and shapes (torchvision state dicts load by
/// name), optional CBAM attention, and a new classification head.
/// With <see cref="CbamPlacement.Light"/> the attention block is the top-level module <c>cbam</c>,
/// applied to layer4's output: the same function as the seed's Sequential(last bottleneck, CBAM).
/// </summary>
public sealed class FerResNet : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Cbam? cbam;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Dropout? dropout;
    private readonly Linear fc;

    /// <summary>Builds the model with every parameter drawn from <paramref name="generator"/>.</summary>
    public FerResNet(FerModelOptions options, Generator generator)
        : base(nameof(FerResNet))
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(generator);
        Options = options;
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(64);
        relu = nn.ReLU();
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);

        var blocks = options.Depth.BlocksPerStage();
        long channels = 64;
        layer1 = MakeStage(options, ref channels, 64, blocks[0], stride: 1);
        layer2 = MakeStage(options, ref channels, 128, blocks[1], stride: 2);
        layer3 = MakeStage(options, ref channels, 256, blocks[2], stride: 2);
        layer4 = MakeStage(options, ref channels, 512, blocks[3], stride: 2);
        FeatureChannels = channels;

        cbam = options.Cbam == CbamPlacement.Light ? new Cbam(channels, options.CbamReduction) : null;
        avgpool = nn.AdaptiveAvgPool2d(1);
        dropout = options.HeadDropout > 0 ? nn.Dropout(options.HeadDropout) : null;
        fc = nn.Linear(channels, options.NumClasses);
        RegisterComponents();
        InitializeLikeTorchvision(generator);
    }

    public FerModelOptions Options { get; }

    /// <summary>Width of the pooled feature vector (512 for ResNet-18/34, 2048 for ResNet-50).</summary>
    public long FeatureChannels { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var features = Features(input);
        if (dropout is not null)
        {
            features = dropout.call(features);
        }

        return fc.call(features).MoveToOuterDisposeScope();
    }

    /// <summary>The pooled features that feed the head, shape [N, FeatureChannels].</summary>
    public Tensor Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = maxpool.call(relu.call(bn1.call(conv1.call(input))));
        x = layer4.call(layer3.call(layer2.call(layer1.call(x))));
        if (cbam is not null)
        {
            x = cbam.call(x);
        }

        return avgpool.call(x).flatten(1).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        var x = context.Emit(conv1, "conv1", input);
        x = context.Emit(maxpool, "maxpool", context.Emit(relu, "relu", context.Emit(bn1, "bn1", x)));
        foreach (var (stage, name) in new[] { (layer1, "layer1"), (layer2, "layer2"), (layer3, "layer3"), (layer4, "layer4") })
        {
            x = context.Emit(stage, name, x);
        }

        if (cbam is not null)
        {
            x = context.Emit(cbam, "cbam", x);
        }

        x = context.Graph.Node("Flatten", [context.Emit(avgpool, "avgpool", x)], attributes: [OnnxAttributeValue.OfInt("axis", 1)]);
        if (dropout is not null)
        {
            x = context.Emit(dropout, "dropout", x);
        }

        return context.Emit(fc, "fc", x);
    }

    private static Sequential MakeStage(FerModelOptions options, ref long inChannels, long width, int count, long stride)
    {
        var withCbam = options.Cbam == CbamPlacement.Full;
        var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (var i = 0; i < count; i++)
        {
            nn.Module<Tensor, Tensor> block = options.Depth.UsesBottleneck()
                ? new Bottleneck(inChannels, width, i == 0 ? stride : 1, withCbam, options.CbamReduction)
                : new BasicBlock(inChannels, width, i == 0 ? stride : 1, withCbam, options.CbamReduction);
            blocks.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture), block));
            inChannels = width * options.Depth.Expansion();
        }

        return nn.Sequential(blocks);
    }

    /// <summary>
    /// torchvision's initialisation: Kaiming-normal (fan_out) convolutions, BatchNorm weight 1 and bias 0.
    /// CBAM and the head keep PyTorch's default (uniform within 1/sqrt(fan_in)), as in the seed, where
    /// CBAM was added after torchvision built the model. Every draw comes from the caller's generator,
    /// not torch's process-wide one, so that whatever else runs at the same time cannot change the weights.
    /// </summary>
    private void InitializeLikeTorchvision(Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var (name, module) in named_modules())
        {
            var inCbam = name.Split('.').Contains("cbam");
            switch (module)
            {
                case Conv2d conv when inCbam:
                    InitializeUniformByFanIn(conv.weight!, conv.weight!, generator);
                    break;
                case Conv2d conv:
                    InitializeKaimingNormalFanOut(conv.weight!, generator);
                    break;
                case BatchNorm2d norm:
                    nn.init.ones_(norm.weight!);
                    nn.init.zeros_(norm.bias!);
                    break;
                case Linear linear:
                    InitializeUniformByFanIn(linear.weight!, linear.weight!, generator);
                    InitializeUniformByFanIn(linear.bias!, linear.weight!, generator);
                    break;
            }
        }
    }

    /// <summary>kaiming_normal_(mode="fan_out", nonlinearity="relu"): N(0, sqrt(2 / fan_out)).</summary>
    private static void InitializeKaimingNormalFanOut(Tensor weight, Generator generator)
    {
        var fanOut = weight.shape[0] * weight.shape.Skip(2).Aggregate(1L, (product, size) => product * size);
        weight.normal_(0, Math.Sqrt(2.0 / fanOut), generator);
    }

    /// <summary>PyTorch's default for convolutions and linear layers (kaiming_uniform with a = sqrt(5)).</summary>
    private static void InitializeUniformByFanIn(Tensor target, Tensor weight, Generator generator)
    {
        var fanIn = weight.shape.Skip(1).Aggregate(1L, (product, size) => product * size);
        var bound = 1.0 / Math.Sqrt(fanIn);
        // Tensor.uniform_, not nn.init.uniform_: in TorchSharp 0.107 the latter ignores its generator.
        target.uniform_(-bound, bound, generator);
    }
}
