using System.CommandLine;
using Fer.Inference.Models;
using Fer.Training.Model;

namespace Fer.Training.Cli;

/// <summary>
/// The options that shape the network and its input, declared once for <c>fer-train train</c> and
/// <c>fer-train export</c> so that both verbs spell, describe and default them alike.
/// </summary>
internal sealed class ModelShapeOptions
{
    public ModelShapeOptions()
    {
        Backbone.AcceptOnlyFromAmong("resnet18", "resnet20", "resnet34", "resnet50");
        Cbam.AcceptOnlyFromAmong("light", "none", "full");
        ImageSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 32 or > 1024)
            {
                result.AddError("--image-size must be between 32 and 1024.");
            }
        });
        Color.AcceptOnlyFromAmong("rgb", "gray");
        Equalize.AcceptOnlyFromAmong("none", ModelInput.HistogramEqualization);
    }

    public Option<string> Backbone { get; } = new("--backbone") { Description = "resnet18 | resnet20 (ML.NET's ImageNet layout, 2-2-2-3 blocks) | resnet34 | resnet50", DefaultValueFactory = _ => "resnet50" };
    public Option<string> Cbam { get; } = new("--cbam") { Description = "light (the student report's: after layer4) | none | full (every block)", DefaultValueFactory = _ => "light" };
    public Option<int> ImageSize { get; } = new("--image-size") { Description = "Input size S of the [N,3,S,S] input, 32 to 1024 (the student report: 224).", DefaultValueFactory = _ => 224 };
    public Option<string> Color { get; } = new("--color") { Description = "rgb | gray (grayscale replicated to 3 channels); recorded in the manifest.", DefaultValueFactory = _ => "rgb" };
    public Option<string> Equalize { get; } = new("--equalize") { Description = "none | histogram (equalise each face's grey levels, in training and serving alike); recorded in the manifest.", DefaultValueFactory = _ => "none" };

    public IReadOnlyList<Option> All => [Backbone, Cbam, ImageSize, Color, Equalize];

    public FerModelOptions ReadModel(ParseResult parse) => new()
    {
        Depth = ResNetDepthExtensions.ParseArchitectureName(parse.GetValue(Backbone)!),
        Cbam = CbamPlacementExtensions.ParseOptionName(parse.GetValue(Cbam)!),
    };

    /// <summary>Size, colour and equalisation; mean and std are the torchvision defaults until the weights say otherwise.</summary>
    public ModelInput ReadInput(ParseResult parse) => new()
    {
        Size = parse.GetValue(ImageSize),
        Color = parse.GetValue(Color)!,
        Equalize = parse.GetValue(Equalize) == "none" ? null : parse.GetValue(Equalize),
    };
}

/// <summary>Lets a command's collection initializer list the shared options where they belong in its help.</summary>
internal static class ModelShapeOptionsInitializer
{
    public static void Add(this Command command, ModelShapeOptions shape)
    {
        foreach (var option in shape.All)
        {
            command.Options.Add(option);
        }
    }
}
