using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.FaceApiPort;

/// <summary>
/// face-api's SSD MobileNet v1 face detector as a TorchSharp module, built as face-api builds it: a MobileNet v1
/// (a 3x3 stride-2 convolution, then 13 depthwise + pointwise pairs, stride 2 at pairs 2, 4, 6 and 12, relu6
/// throughout), eight more convolutions that shrink the map to 1x1, and six box predictors on the maps of pair 11
/// (32x32, 3 anchors per cell), pair 13 (16x16) and every second extra convolution (8, 4, 2, 1; 6 anchors per cell).
/// Input: NCHW RGB scaled to x/127.5 - 1, <see cref="InputSize"/> square. Output: the raw predictions
/// [N, <see cref="AnchorCount"/>, 7]: per anchor 4 box encodings (ty, tx, th, tw) and 3 class logits
/// (background, face, unused), in face-api's anchor order. Decoding, sigmoid and NMS happen outside the graph.
/// </summary>
public sealed class SsdMobileNetV1 : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    public const int InputSize = 512;
    public const int BoxEncodingCount = 4;
    public const int ClassCount = 3;
    public const int OutputWidth = BoxEncodingCount + ClassCount;
    public const int AnchorCount = 5118;

    /// <summary>The MobileNet pairs whose depthwise convolution has stride 2.</summary>
    private static readonly int[] StrideTwoPairs = [2, 4, 6, 12];

    /// <summary>Output channels of conv_0 and of the pointwise convolutions of pairs 1 to 13.</summary>
    private static readonly long[] BackboneChannels = [32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024];

    /// <summary>The extra layers: (output channels, kernel, stride).</summary>
    private static readonly (long Channels, long Kernel, long Stride)[] ExtraLayers =
        [(256, 1, 1), (512, 3, 2), (128, 1, 1), (256, 3, 2), (128, 1, 1), (256, 3, 2), (64, 1, 1), (128, 3, 2)];

    private const int FeaturePair = 11;

    private readonly Sequential mobilenetv1;
    private readonly ModuleList<PointwiseConvLayer> predictionLayer;
    private readonly ModuleList<BoxPredictor> boxPredictors;

    public SsdMobileNetV1()
        : base(nameof(SsdMobileNetV1))
    {
        var size = (long)InputSize;
        var conv0 = new PointwiseConvLayer(3, BackboneChannels[0], 3, 2, size);
        size = conv0.OutputSize;
        var backbone = new List<(string, nn.Module<Tensor, Tensor>)> { ("conv_0", conv0) };
        long featureChannels = 0;
        for (var pair = 1; pair < BackboneChannels.Length; pair++)
        {
            var depthwise = new DepthwiseConvLayer(BackboneChannels[pair - 1], StrideTwoPairs.Contains(pair) ? 2 : 1, size);
            size = depthwise.OutputSize;
            var pointwise = new PointwiseConvLayer(BackboneChannels[pair - 1], BackboneChannels[pair], 1, 1, size);
            backbone.Add(($"conv_{pair}", nn.Sequential(("depthwise_conv", depthwise), ("pointwise_conv", pointwise))));
            featureChannels = pair == FeaturePair ? BackboneChannels[pair] : featureChannels;
        }

        mobilenetv1 = nn.Sequential(backbone);

        var extras = new List<PointwiseConvLayer>();
        var channels = BackboneChannels[^1];
        var predictorChannels = new List<long> { featureChannels, channels };
        foreach (var (outChannels, kernel, stride) in ExtraLayers)
        {
            extras.Add(new PointwiseConvLayer(channels, outChannels, kernel, stride, size));
            size = extras[^1].OutputSize;
            channels = outChannels;
            if (stride == 2)
            {
                predictorChannels.Add(channels);
            }
        }

        predictionLayer = nn.ModuleList([.. extras]);
        boxPredictors = nn.ModuleList([.. predictorChannels.Select((c, i) => new BoxPredictor(c, i == 0 ? 3 : 6))]);
        RegisterComponents();
    }

    public PointwiseConvLayer Conv0 => (PointwiseConvLayer)mobilenetv1[0];

    /// <summary>MobileNet pair 1..13: its depthwise and pointwise layers.</summary>
    public (DepthwiseConvLayer Depthwise, PointwiseConvLayer Pointwise) ConvPair(int pair)
    {
        var sequential = (Sequential)mobilenetv1[pair];
        return ((DepthwiseConvLayer)sequential[0], (PointwiseConvLayer)sequential[1]);
    }

    /// <summary>The extra convolution 0..7 of the prediction layer.</summary>
    public PointwiseConvLayer PredictionConv(int index) => predictionLayer[index];

    /// <summary>Box predictor 0..5.</summary>
    public BoxPredictor BoxPredictor(int index) => boxPredictors[index];

    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ndim != 4 || input.shape[1] != 3 || input.shape[2] != InputSize || input.shape[3] != InputSize)
        {
            throw new ArgumentException($"The detector takes [N, 3, {InputSize}, {InputSize}], not [{string.Join(", ", input.shape)}]: its 'same' paddings are fixed for that size.", nameof(input));
        }

        using var scope = NewDisposeScope();
        var x = input;
        Tensor? feature = null;
        foreach (var (name, layer) in mobilenetv1.named_children())
        {
            x = ((nn.Module<Tensor, Tensor>)layer).call(x);
            feature = name == $"conv_{FeaturePair}" ? x : feature;
        }

        var maps = new List<Tensor> { feature!, x };
        for (var i = 0; i < predictionLayer.Count; i++)
        {
            x = predictionLayer[i].call(x);
            if (i % 2 == 1)
            {
                maps.Add(x);
            }
        }

        return cat([.. maps.Select((map, i) => boxPredictors[i].call(map))], 1).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Children are emitted one by one (paths as in the state dict) to keep pair 11's output for its predictor.
        var x = input;
        var feature = input;
        foreach (var (name, layer) in mobilenetv1.named_children())
        {
            x = context.Emit(layer, $"mobilenetv1.{name}", x);
            feature = name == $"conv_{FeaturePair}" ? x : feature;
        }

        var maps = new List<string> { feature, x };
        for (var i = 0; i < predictionLayer.Count; i++)
        {
            x = context.Emit(predictionLayer[i], $"predictionLayer.{i}", x);
            if (i % 2 == 1)
            {
                maps.Add(x);
            }
        }

        var predictions = maps.Select((map, i) => context.Emit(boxPredictors[i], $"boxPredictors.{i}", map)).ToList();
        return context.Graph.Node("Concat", predictions, attributes: [OnnxAttributeValue.OfInt("axis", 1)]);
    }
}
