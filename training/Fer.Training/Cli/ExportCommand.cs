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
/// <c>fer-train export</c>: builds the model (random, from a weights file or from a training run), writes a model version
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
        var fromRun = new Option<DirectoryInfo?>("--from-run")
        {
            Description = "Export a training run's best checkpoint with the run's architecture, preprocessing and provenance (instead of --weights and the architecture options).",
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "The model version folder to write.", Required = true };

        var command = new Command("export", "Export the model to ONNX with a manifest, and prove parity with TorchSharp.")
        {
            init, seed, weights, weightsFormat, backbone, cbam, imageSize, color, mirrorAverage, fromRun, output,
        };
        Option[] takenFromTheRun = [init, weights, weightsFormat, backbone, cbam, imageSize, color];
        command.Validators.Add(result =>
        {
            var given = takenFromTheRun.Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if (result.GetResult(fromRun) is not null && given.Count > 0)
            {
                result.AddError($"--from-run takes the weights, architecture and preprocessing from the run; leave out {string.Join(", ", given)}.");
            }
        });
        command.SetAction(parse =>
        {
            var mirror = parse.GetValue(mirrorAverage);
            if (parse.GetValue(fromRun) is { } runDirectory)
            {
                return Run(FromRun(runDirectory, parse.GetValue(seed), mirror, parse.GetValue(output)!));
            }

            var weightsFile = parse.GetValue(weights);
            var format = Enum.Parse<WeightFormat>(parse.GetValue(weightsFormat)!, ignoreCase: true);
            return Run(new ExportSettings(
                Seed: parse.GetValue(seed),
                Weights: weightsFile?.FullName,
                WeightsFormat: format,
                Options: new FerModelOptions
                {
                    Depth = ResNetDepthExtensions.ParseArchitectureName(parse.GetValue(backbone)!),
                    Cbam = CbamPlacementExtensions.ParseOptionName(parse.GetValue(cbam)!),
                },
                Input: new ModelInput { Size = parse.GetValue(imageSize), Color = parse.GetValue(color)! },
                Training: new TrainingInfo
                {
                    Dataset = weightsFile is null ? "none (random initialisation)" : $"weights {weightsFile.Name} ({format.ToString().ToLowerInvariant()})",
                    Command = CommandLine.Current,
                },
                MirrorAverage: mirror,
                Output: parse.GetValue(output)!));
        });
        return command;
    }

    private sealed record ExportSettings(long Seed, string? Weights, WeightFormat WeightsFormat, FerModelOptions Options, ModelInput Input, TrainingInfo Training, bool MirrorAverage, DirectoryInfo Output);

    /// <summary>
    /// The run's best checkpoint as the run would export it. The run's test metrics describe its own
    /// graph, so a mirror-averaged export leaves them out: measure it with <c>fer-train evaluate</c>.
    /// </summary>
    private static ExportSettings FromRun(DirectoryInfo runDirectory, long seed, bool mirrorAverage, DirectoryInfo output)
    {
        var run = TrainedRun.Open(runDirectory.FullName);
        Console.WriteLine($"Run {run.Directory}: {run.Options.Model.Depth.ToArchitectureName()}, CBAM {run.Options.Model.Cbam.ToOptionName()}, {run.Input.Size} px {run.Input.Color}, weights {Path.GetFileName(run.BestWeights)}.");
        return new ExportSettings(
            seed,
            run.BestWeights,
            WeightFormat.Fer,
            run.Options.Model,
            run.Input,
            mirrorAverage ? run.Training with { Metrics = null } : run.Training,
            mirrorAverage,
            output);
    }

    private static int Run(ExportSettings settings)
    {
        var clock = Stopwatch.StartNew();
        using var model = FerModelFactory.Create(settings.Options, settings.Seed);
        if (settings.Weights is not null)
        {
            Console.Write(WeightLoader.Load(model, settings.Weights, settings.WeightsFormat));
        }

        var manifest = ModelVersionWriter.Write(model, settings.Output.FullName, settings.Input, settings.Training, DateTimeOffset.UtcNow, settings.MirrorAverage);
        Console.WriteLine($"Wrote {manifest.Onnx.File} ({manifest.Onnx.Bytes / 1e6:F1} MB) and {ModelManifest.FileName}, version {manifest.Version}, in {clock.Elapsed.TotalSeconds:F1} s.");

        using var mirrored = settings.MirrorAverage ? new MirrorAveragedClassifier(model) : null;
        var parity = ParityChecker.Check(mirrored ?? (nn.Module<Tensor, Tensor>)model, Path.Combine(settings.Output.FullName, manifest.Onnx.File), settings.Input.Size, [1, 4], settings.Seed);
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
