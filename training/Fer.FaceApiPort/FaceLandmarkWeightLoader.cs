using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.FaceApiPort;

/// <summary>
/// Loads face-api's 68-point landmark weights (TF.js names, as its <c>loadParamsFactory</c> reads them) into
/// <see cref="FaceLandmark68Net"/>. TF kernels are [kh, kw, in, out], depthwise [kh, kw, channels, 1] and the fully
/// connected weights [in, out] (x times W); TorchSharp wants [out, in, kh, kw], [channels, 1, kh, kw] and [out, in].
/// Every shape is checked against the module, so weights of another network are refused by tensor name.
/// </summary>
public static class FaceLandmarkWeightLoader
{
    /// <summary>The file name face-api gives the landmark net's manifest.</summary>
    public const string ManifestFileName = "face_landmark_68_model-weights_manifest.json";

    public static void Load(FaceLandmark68Net model, TfjsWeights weights)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        using var noGrad = no_grad();
        for (var block = 0; block < model.DenseCount; block++)
        {
            var dense = model.Dense(block);
            var prefix = $"dense{block}";
            switch (dense.Conv0)
            {
                case TfSameConv2d plain:
                    LoadConv(plain.Conv, weights, $"{prefix}/conv0");
                    break;
                case SeparableConvLayer separable:
                    LoadSeparable(separable, weights, $"{prefix}/conv0");
                    break;
            }

            for (var conv = 1; conv <= 3; conv++)
            {
                LoadSeparable(dense.Conv(conv), weights, $"{prefix}/conv{conv}");
            }
        }

        var (outFeatures, inFeatures) = (model.Fc.weight!.shape[0], model.Fc.weight!.shape[1]);
        Copy(model.Fc.weight!, weights.Get("fc/weights", inFeatures, outFeatures), [inFeatures, outFeatures], [1, 0]);
        Copy(model.Fc.bias!, weights.Get("fc/bias", outFeatures), [outFeatures], null);
    }

    private static void LoadConv(Conv2d conv, TfjsWeights weights, string prefix)
    {
        var (outChannels, inChannels, kh, kw) = Dims(conv.weight!);
        Copy(conv.weight!, weights.Get($"{prefix}/filters", kh, kw, inChannels, outChannels), [kh, kw, inChannels, outChannels], [3, 2, 0, 1]);
        Copy(conv.bias!, weights.Get($"{prefix}/bias", outChannels), [outChannels], null);
    }

    private static void LoadSeparable(SeparableConvLayer layer, TfjsWeights weights, string prefix)
    {
        var (channels, _, kh, kw) = Dims(layer.Depthwise.weight!);
        Copy(layer.Depthwise.weight!, weights.Get($"{prefix}/depthwise_filter", kh, kw, channels, 1), [kh, kw, channels, 1], [2, 3, 0, 1]);
        var (outChannels, inChannels, _, _) = Dims(layer.Pointwise.weight!);
        Copy(layer.Pointwise.weight!, weights.Get($"{prefix}/pointwise_filter", 1, 1, inChannels, outChannels), [1, 1, inChannels, outChannels], [3, 2, 0, 1]);
        Copy(layer.Pointwise.bias!, weights.Get($"{prefix}/bias", outChannels), [outChannels], null);
    }

    private static (long, long, long, long) Dims(Tensor weight) => (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3]);

    private static void Copy(Tensor target, TfjsTensor source, long[] sourceShape, long[]? permutation)
    {
        using var values = tensor(source.Values, sourceShape);
        using var arranged = permutation is null ? values.alias() : values.permute(permutation);
        target.copy_(arranged);
    }
}
