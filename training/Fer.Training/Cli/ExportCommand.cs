using System.CommandLine;
using System.Diagnostics;
using Fer.Inference.Models;
using Fer.Training.Export;
using Fer.Training.Model;
using Fer.Training.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Cli;

/// <summary>
/// <c>fer-train export</c>: builds the model (random or from a weights file), writes a model version
/// folder (model.onnx, manifest.json) and parity.json, and fails when ONNX Runtime disagrees with TorchSharp.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var init = new Option<string>("--init") { Description = "Weights to start from: 'random' (seeded), or use --weights.", DefaultValueFactory = _ => "random" };
        init.AcceptOnlyFromAmong("random");
        var seed = new Option<long>("--seed") { Description = "Random seed for initialisation and the parity inputs.", DefaultValueFactory = _ => 0 };
        var weights = new Option<FileInfo?>("--weights") { Description = "A weights file (.pth or .safetensors) to load instead of a random init." };
        var weightsFormat = new Option<string>("--weights-format") { Description = "torchvision | seed | fer", DefaultValueFactory = _ => "fer" };
        weightsFormat.AcceptOnlyFromAmong("torchvision", "seed", "fer");
        var backbone = new Option<string>("--backbone") { Description = "resnet18 | resnet34 | resnet50", DefaultValueFactory = _ => "resnet50" };
        backbone.AcceptOnlyFromAmong("resnet18", "resnet34", "resnet50");
        var cbam = new Option<string>("--cbam") { Description = "light (the seed: after layer4) | none | full (every block)", DefaultValueFactory = _ => "light" };
        cbam.AcceptOnlyFromAmong("light", "none", "full");
        var imageSize = new Option<int>("--image-size") { Description = "Input size S of the [N,3,S,S] input.", DefaultValueFactory = _ => 224 };
        imageSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 32 or > 1024)
            {
                r.AddError("--image-size must be between 32 and 1024.");
            }
        });
        var color = new Option<string>("--color") { Description = "Preprocessing colour recorded in the manifest: rgb | gray", DefaultValueFactory = _ => "rgb" };
        color.AcceptOnlyFromAmong("rgb", "gray");
        var mirrorAverage = new Option<bool>("--mirror-average")
        {
            Description = "Export a graph that averages the logits of each face and of its mirror image (test-time augmentation; twice the inference cost).",
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "The model version folder to write.", Required = true };

        var command = new Command("export", "Export the model to ONNX with a manifest, and prove parity with TorchSharp.")
        {
            init, seed, weights, weightsFormat, backbone, cbam, imageSize, color, mirrorAverage, output,
        };
        command.SetAction(parse => Run(new ExportSettings(
            Seed: parse.GetValue(seed),
            Weights: parse.GetValue(weights),
            WeightsFormat: Enum.Parse<WeightFormat>(parse.GetValue(weightsFormat)!, ignoreCase: true),
            Options: new FerModelOptions
            {
                Depth = ResNetDepthExtensions.ParseArchitectureName(parse.GetValue(backbone)!),
                Cbam = CbamPlacementExtensions.ParseOptionName(parse.GetValue(cbam)!),
            },
            ImageSize: parse.GetValue(imageSize),
            Color: parse.GetValue(color)!,
            MirrorAverage: parse.GetValue(mirrorAverage),
            Output: parse.GetValue(output)!)));
        return command;
    }

    private sealed record ExportSettings(long Seed, FileInfo? Weights, WeightFormat WeightsFormat, FerModelOptions Options, int ImageSize, string Color, bool MirrorAverage, DirectoryInfo Output);

    private static int Run(ExportSettings settings)
    {
        var clock = Stopwatch.StartNew();
        using var model = FerModelFactory.Create(settings.Options, settings.Seed);
        var dataset = "none (random initialisation)";
        if (settings.Weights is not null)
        {
            var report = WeightLoader.Load(model, settings.Weights.FullName, settings.WeightsFormat);
            Console.Write(report);
            dataset = $"weights {settings.Weights.Name} ({settings.WeightsFormat.ToString().ToLowerInvariant()})";
        }

        var manifest = ModelVersionWriter.Write(
            model,
            settings.Output.FullName,
            new ModelInput { Size = settings.ImageSize, Color = settings.Color },
            new TrainingInfo { Dataset = dataset, Command = CommandLine.Current },
            DateTimeOffset.UtcNow,
            settings.MirrorAverage);
        Console.WriteLine($"Wrote {manifest.Onnx.File} ({manifest.Onnx.Bytes / 1e6:F1} MB) and {ModelManifest.FileName}, version {manifest.Version}, in {clock.Elapsed.TotalSeconds:F1} s.");

        using var mirrored = settings.MirrorAverage ? new MirrorAveragedClassifier(model) : null;
        var parity = ParityChecker.Check(mirrored ?? (nn.Module<Tensor, Tensor>)model, Path.Combine(settings.Output.FullName, manifest.Onnx.File), settings.ImageSize, [1, 4], settings.Seed);
        parity.Write(settings.Output.FullName);
        Console.WriteLine($"Parity TorchSharp vs ONNX Runtime: max_abs_diff {parity.MaxAbsDiff:E2} (tolerance {parity.Tolerance:E0}), argmax_agreement {parity.ArgmaxAgreement:F2}.");
        if (!parity.Passed)
        {
            Console.Error.WriteLine($"Parity check FAILED: the ONNX graph does not reproduce the model. See {Path.Combine(settings.Output.FullName, ParityReport.FileName)}.");
            return ExitCodes.ParityFailed;
        }

        return ExitCodes.Success;
    }
}
