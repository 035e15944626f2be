using Fer.Training.Weights;

namespace Fer.Training.Cli;

/// <summary>
/// What <c>--weights</c> and <c>--weights-format</c> name: a file and its format, and for the packaged
/// ImageNet weights also the input normalisation that network was trained with.
/// </summary>
internal sealed record InitialWeights(string? Path, WeightFormat Format, float[]? Mean, float[]? Std)
{
    public static InitialWeights Resolve(string? weights, string format)
    {
        if (string.Equals(weights, ImageNetOnnxWeights.ShortName, StringComparison.OrdinalIgnoreCase))
        {
            var (mean, std) = ImageNetOnnxWeights.ReadInputNormalization(ImageNetOnnxWeights.PackagedPreprocessing);
            return new InitialWeights(ImageNetOnnxWeights.ResolvePackagedModel(), WeightFormat.ImageNetOnnx, mean, std);
        }

        var parsed = Enum.Parse<WeightFormat>(format, ignoreCase: true);
        if (weights is null)
        {
            return new InitialWeights(null, parsed, null, null);
        }

        var path = System.IO.Path.GetFullPath(weights);
        return File.Exists(path)
            ? new InitialWeights(path, parsed, null, null)
            : throw new FileNotFoundException($"--weights '{weights}' does not exist (give a .pth or .safetensors file, or 'imagenet').", path);
    }
}
