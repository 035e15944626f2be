using System.CommandLine;
using System.Diagnostics;
using Fer.Inference;
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
        var weightsFormat = WeightsFormatOption.Create(defaultName: "fer");
        var shape = new ModelShapeOptions();
        var mirrorAverage = new Option<bool>("--mirror-average")
        {
            Description = "Export a graph that averages the logits of each face and of its mirror image (test-time augmentation; twice the inference cost).",
        };
        var fromRun = new Option<DirectoryInfo[]>("--from-run")
        {
            Description = "Export a training run's best checkpoint with the run's architecture, preprocessing and provenance (instead of --weights and the architecture options). "
                + "Given more than once: one model that averages the runs' logits (an ensemble; the runs must share their preprocessing).",
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "The model version folder to write.", Required = true };

        var command = new Command("export", "Export the model to ONNX with a manifest, and prove parity with TorchSharp.")
        {
            init, seed, weights, weightsFormat, shape, mirrorAverage, fromRun, output,
        };
        Option[] takenFromTheRun = [init, weights, weightsFormat, .. shape.All];
        command.Validators.Add(result =>
        {
            var given = takenFromTheRun.Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if (result.GetResult(fromRun) is { Implicit: false } && given.Count > 0)
            {
                result.AddError($"--from-run takes the weights, architecture and preprocessing from the run; leave out {string.Join(", ", given)}.");
            }
        });
        command.SetAction(parse =>
        {
            var mirror = parse.GetValue(mirrorAverage);
            if (parse.GetValue(fromRun) is { Length: > 0 } runDirectories)
            {
                return Run(FromRuns(runDirectories, parse.GetValue(seed), mirror, parse.GetValue(output)!));
            }

            var weightsFile = parse.GetValue(weights);
            var format = WeightsFormatOption.Read(parse, weightsFormat);
            return Run(new ExportSettings(
                Seed: parse.GetValue(seed),
                Members: [new MemberSource(shape.ReadModel(parse), weightsFile?.FullName, format)],
                Input: shape.ReadInput(parse),
                Training: new TrainingInfo
                {
                    Dataset = weightsFile is null ? "none (random initialisation)" : $"weights {weightsFile.Name} ({WeightsFormatOption.NameOf(format)})",
                    Command = CommandLine.Current,
                },
                MirrorAverage: mirror,
                Output: parse.GetValue(output)!));
        });
        return command;
    }

    /// <summary>One network to export: its architecture and where its weights come from (none: seeded random).</summary>
    private sealed record MemberSource(FerModelOptions Options, string? Weights, WeightFormat WeightsFormat);

    private sealed record ExportSettings(long Seed, IReadOnlyList<MemberSource> Members, ModelInput Input, TrainingInfo Training, bool MirrorAverage, DirectoryInfo Output);

    /// <summary>
    /// The runs' best checkpoints as the runs would export them. A run's test metrics describe its own
    /// graph, so a mirror-averaged or ensembled export leaves them out: measure it with <c>fer-train evaluate</c>.
    /// </summary>
    private static ExportSettings FromRuns(IReadOnlyList<DirectoryInfo> runDirectories, long seed, bool mirrorAverage, DirectoryInfo output)
    {
        var runs = runDirectories.Select(d => TrainedRun.Open(d.FullName)).ToList();
        foreach (var run in runs)
        {
            Console.WriteLine($"Run {run.Directory}: {run.Options.Model.Depth.ToArchitectureName()}, CBAM {run.Options.Model.Cbam.ToOptionName()}, {run.Input.Size} px {run.Input.Color}, weights {Path.GetFileName(run.BestWeights)}.");
        }

        var input = SharedInput(runs);
        var training = runs.Count == 1 ? runs[0].Training : EnsembleTraining(runs);
        return new ExportSettings(
            seed,
            [.. runs.Select(run => new MemberSource(run.Options.Model, run.BestWeights, WeightFormat.Fer))],
            input,
            mirrorAverage || runs.Count > 1 ? training with { Metrics = null } : training,
            mirrorAverage,
            output);
    }

    /// <summary>An ensemble's networks see one input tensor, so their runs must have been trained on the same preprocessing.</summary>
    private static ModelInput SharedInput(List<TrainedRun> runs)
    {
        var first = runs[0];
        foreach (var run in runs.Skip(1))
        {
            if (run.Input.Size != first.Input.Size || run.Input.Color != first.Input.Color
                || !run.Input.Mean.SequenceEqual(first.Input.Mean) || !run.Input.Std.SequenceEqual(first.Input.Std))
            {
                throw new FerException(
                    $"Runs '{first.Directory}' ({Describe(first.Input)}) and '{run.Directory}' ({Describe(run.Input)}) were trained on different preprocessing; "
                    + "an ensemble's networks share one input, so export runs with the same image size, colour, mean and std.");
            }
        }

        return first.Input;
    }

    private static string Describe(ModelInput input) =>
        $"{input.Size} px {input.Color}, mean [{string.Join(", ", input.Mean)}], std [{string.Join(", ", input.Std)}]";

    /// <summary>Provenance of an ensemble: the runs' data set(s), and each run's training command after the export's own.</summary>
    private static TrainingInfo EnsembleTraining(List<TrainedRun> runs) => new()
    {
        Dataset = string.Join("; ", runs.Select(r => r.Training.Dataset).Distinct()),
        Command = string.Join(" && ", runs.Select(r => r.Training.Command).Prepend(CommandLine.Current)),
    };

    private static int Run(ExportSettings settings)
    {
        var clock = Stopwatch.StartNew();
        var members = new List<FerResNet>();
        try
        {
            foreach (var (source, index) in settings.Members.Select((source, index) => (source, index)))
            {
                members.Add(FerModelFactory.Create(source.Options, settings.Seed + index));
                if (source.Weights is not null)
                {
                    Console.Write(WeightLoader.Load(members[^1], source.Weights, source.WeightsFormat));
                }
            }

            return WriteAndCheck(settings, members, clock);
        }
        finally
        {
            members.ForEach(member => member.Dispose());
        }
    }

    private static int WriteAndCheck(ExportSettings settings, IReadOnlyList<FerResNet> members, Stopwatch clock)
    {
        var manifest = ModelVersionWriter.Write(members, settings.Output.FullName, settings.Input, settings.Training, DateTimeOffset.UtcNow, settings.MirrorAverage);
        Console.WriteLine($"Wrote {manifest.Onnx.File} ({manifest.Onnx.Bytes / 1e6:F1} MB) and {ModelManifest.FileName}, version {manifest.Version}, in {clock.Elapsed.TotalSeconds:F1} s.");

        var classifier = ModelVersionWriter.Classifier(members, settings.MirrorAverage);
        var parity = ParityChecker.Check(classifier, Path.Combine(settings.Output.FullName, manifest.Onnx.File), settings.Input.Size, [1, 4], settings.Seed);
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
