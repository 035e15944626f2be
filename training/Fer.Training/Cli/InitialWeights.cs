using Fer.Inference.Models;
using Fer.Training.Weights;

namespace Fer.Training.Cli;

/// <summary>
/// What <c>--weights</c> and <c>--weights-format</c> name: a file and its format, and for the packaged
/// ImageNet weights or an exported model folder also the input normalisation that network was trained with.
/// </summary>
internal sealed record InitialWeights(string? Path, WeightFormat Format, float[]? Mean, float[]? Std)
{
    public static InitialWeights Resolve(string? weights, WeightFormat format)
    {
        if (string.Equals(weights, ImageNetOnnxWeights.ShortName, StringComparison.OrdinalIgnoreCase))
        {
            var (mean, std) = ImageNetOnnxWeights.ReadInputNormalization(ImageNetOnnxWeights.PackagedPreprocessing);
            return new InitialWeights(ImageNetOnnxWeights.ResolvePackagedModel(), WeightFormat.ImageNetOnnx, mean, std);
        }

        if (weights is not null && File.Exists(System.IO.Path.Combine(weights, ModelManifest.FileName)))
        {
            return FromModelFolder(weights);
        }

        if (weights is null)
        {
            return new InitialWeights(null, format, null, null);
        }

        var path = System.IO.Path.GetFullPath(weights);
        return File.Exists(path)
            ? new InitialWeights(path, format, null, null)
            : throw new FileNotFoundException($"--weights '{weights}' does not exist (give a .pth or .safetensors file, a model folder, or 'imagenet').", path);
    }

    /// <summary>
    /// A model folder this project exported: its ONNX weights, and the normalisation it was trained
    /// with (a run continuing from it must feed the same numbers).
    /// </summary>
    private static InitialWeights FromModelFolder(string folder)
    {
        var manifest = ModelManifest.Load(System.IO.Path.Combine(folder, ModelManifest.FileName));
        var onnx = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, manifest.Onnx.File));
        return new InitialWeights(onnx, WeightFormat.ExportedOnnx, [.. manifest.Input.Mean], [.. manifest.Input.Std]);
    }
}
