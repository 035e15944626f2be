using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.FaceApiPort;

/// <summary>
/// Loads face-api's SSD MobileNet v1 weights (TF.js names, as face-api's <c>extractParamsFromWeightMap</c> reads
/// them) into <see cref="SsdMobileNetV1"/>. TF keeps convolution kernels as [kh, kw, in, out] and depthwise
/// kernels as [kh, kw, channels, 1]; TorchSharp wants [out, in, kh, kw] and [channels, 1, kh, kw]. Every tensor's
/// shape is checked against the module, so weights of another network are refused by tensor name.
/// </summary>
public static class FaceApiWeightLoader
{
    /// <summary>The file name face-api gives the detector's manifest.</summary>
    public const string ManifestFileName = "ssd_mobilenetv1_model-weights_manifest.json";

    /// <summary>The TF.js name of the anchors, [1, 5118, 4] as (ymin, xmin, ymax, xmax) in 0..1 of the input.</summary>
    public const string AnchorsName = "Output/extra_dim";

    /// <summary>Copies every weight into <paramref name="model"/>; returns the anchors, [5118 * 4].</summary>
    public static float[] Load(SsdMobileNetV1 model, TfjsWeights weights)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        using var noGrad = no_grad();
        LoadPointwise(model.Conv0, weights, "MobilenetV1/Conv2d_0_pointwise");
        for (var pair = 1; pair <= 13; pair++)
        {
            var (depthwise, pointwise) = model.ConvPair(pair);
            LoadDepthwise(depthwise, weights, $"MobilenetV1/Conv2d_{pair}_depthwise");
            LoadPointwise(pointwise, weights, $"MobilenetV1/Conv2d_{pair}_pointwise");
        }

        for (var i = 0; i < 8; i++)
        {
            LoadPointwise(model.PredictionConv(i), weights, $"Prediction/Conv2d_{i}_pointwise");
        }

        for (var i = 0; i < 6; i++)
        {
            var predictor = model.BoxPredictor(i);
            LoadConv(predictor.BoxEncodingPredictor, weights, $"Prediction/BoxPredictor_{i}/BoxEncodingPredictor/weights", $"Prediction/BoxPredictor_{i}/BoxEncodingPredictor/biases");
            LoadConv(predictor.ClassPredictor, weights, $"Prediction/BoxPredictor_{i}/ClassPredictor/weights", $"Prediction/BoxPredictor_{i}/ClassPredictor/biases");
        }

        return weights.Get(AnchorsName, 1, SsdMobileNetV1.AnchorCount, 4).Values;
    }

    private static void LoadPointwise(PointwiseConvLayer layer, TfjsWeights weights, string prefix) =>
        LoadConv(layer.Conv, weights, $"{prefix}/weights", $"{prefix}/convolution_bn_offset");

    private static void LoadConv(Conv2d conv, TfjsWeights weights, string kernelName, string biasName)
    {
        var (outChannels, inChannels, kh, kw) = Dims(conv.weight!);
        Copy(conv.weight!, weights.Get(kernelName, kh, kw, inChannels, outChannels), [kh, kw, inChannels, outChannels], [3, 2, 0, 1]);
        Copy(conv.bias!, weights.Get(biasName, outChannels), [outChannels], null);
    }

    private static void LoadDepthwise(DepthwiseConvLayer layer, TfjsWeights weights, string prefix)
    {
        var (channels, _, kh, kw) = Dims(layer.Conv.weight!);
        Copy(layer.Conv.weight!, weights.Get($"{prefix}/depthwise_weights", kh, kw, channels, 1), [kh, kw, channels, 1], [2, 3, 0, 1]);
        Copy(layer.Norm.weight!, weights.Get($"{prefix}/BatchNorm/gamma", channels), [channels], null);
        Copy(layer.Norm.bias!, weights.Get($"{prefix}/BatchNorm/beta", channels), [channels], null);
        Copy(layer.Norm.running_mean!, weights.Get($"{prefix}/BatchNorm/moving_mean", channels), [channels], null);
        Copy(layer.Norm.running_var!, weights.Get($"{prefix}/BatchNorm/moving_variance", channels), [channels], null);
    }

    private static (long, long, long, long) Dims(Tensor weight) => (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3]);

    private static void Copy(Tensor target, TfjsTensor source, long[] sourceShape, long[]? permutation)
    {
        using var values = tensor(source.Values, sourceShape);
        using var arranged = permutation is null ? values.alias() : values.permute(permutation);
        target.copy_(arranged);
    }
}
