namespace Fer.Training.Model;

/// <summary>The torchvision ResNet variants the project can build.</summary>
public enum ResNetDepth
{
    ResNet18,

    /// <summary>
    /// Basic blocks 2, 2, 2 and 3: the layout of the ImageNet ResNet that ML.NET ships as "ResNet18"
    /// (one more 512-channel block than torchvision's ResNet-18; 19 convolutions on the main path plus
    /// the head make 20 layers, counted as ResNet-18 is). Not the CIFAR ResNet-20.
    /// </summary>
    ResNet20,
    ResNet34,
    ResNet50,
}

/// <summary>Block kind and blocks per stage of each depth (torchvision's, and ResNet-20 as ML.NET's ImageNet model has it).</summary>
public static class ResNetDepthExtensions
{
    public static bool UsesBottleneck(this ResNetDepth depth) => depth == ResNetDepth.ResNet50;

    public static int Expansion(this ResNetDepth depth) => depth.UsesBottleneck() ? 4 : 1;

    public static IReadOnlyList<int> BlocksPerStage(this ResNetDepth depth) => depth switch
    {
        ResNetDepth.ResNet18 => [2, 2, 2, 2],
        ResNetDepth.ResNet20 => [2, 2, 2, 3],
        ResNetDepth.ResNet34 => [3, 4, 6, 3],
        ResNetDepth.ResNet50 => [3, 4, 6, 3],
        _ => throw new ArgumentOutOfRangeException(nameof(depth), depth, "Unknown ResNet depth."),
    };

    /// <summary>The name used on the command line and in manifests: resnet18, resnet20, resnet34, resnet50.</summary>
    public static string ToArchitectureName(this ResNetDepth depth) => depth.ToString().ToLowerInvariant();

    public static ResNetDepth ParseArchitectureName(string name) => name.ToLowerInvariant() switch
    {
        "resnet18" => ResNetDepth.ResNet18,
        "resnet20" => ResNetDepth.ResNet20,
        "resnet34" => ResNetDepth.ResNet34,
        "resnet50" => ResNetDepth.ResNet50,
        _ => throw new ArgumentException($"Unknown backbone '{name}'. Use resnet18, resnet20, resnet34 or resnet50.", nameof(name)),
    };
}
