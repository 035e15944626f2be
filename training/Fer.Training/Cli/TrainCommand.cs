using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Fer.Inference;
using Fer.Inference.Models;
using Fer.Training.Data;
using Fer.Training.Export;
using Fer.Training.Model;
using Fer.Training.Reporting;
using Fer.Training.Training;
using Fer.Training.Weights;
using TorchSharp;

namespace Fer.Training.Cli;

/// <summary><c>fer-train train</c>: the two-stage recipe, the report and the exported model version.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "The data set's root folder." };
        var layout = new Option<string>("--layout") { Description = "folders | rafdb", DefaultValueFactory = _ => "folders" };
        layout.AcceptOnlyFromAmong("folders", "rafdb");
        var trainSplit = new Option<string>("--train-split") { Description = "Name of the training split folder.", DefaultValueFactory = _ => "train" };
        var valFrom = new Option<string?>("--val-from") { Description = "Validation: train:F carves a fraction of train (default for 'folders': train:0.1); a split folder's name (e.g. val) uses it whole." };
        var testFrom = new Option<string?>("--test-from") { Description = "Carve a test set from train, never used for training or selection: train:F." };
        var limitTrain = new Option<int?>("--limit-train") { Description = "Use at most this many training images (stratified): quick trials." };
        var backbone = new Option<string>("--backbone") { Description = "resnet18 | resnet20 (ML.NET's ImageNet layout, 2-2-2-3 blocks) | resnet34 | resnet50", DefaultValueFactory = _ => "resnet50" };
        backbone.AcceptOnlyFromAmong("resnet18", "resnet20", "resnet34", "resnet50");
        var cbam = new Option<string>("--cbam") { Description = "light | none | full", DefaultValueFactory = _ => "light" };
        cbam.AcceptOnlyFromAmong("light", "none", "full");
        var dropout = new Option<double>("--dropout") { Description = "Dropout before the head (seed: 0).", DefaultValueFactory = _ => 0 };
        var imageSize = new Option<int>("--image-size") { Description = "Input size S (seed: 224).", DefaultValueFactory = _ => 224 };
        var color = new Option<string>("--color") { Description = "rgb | gray (grayscale replicated to 3 channels).", DefaultValueFactory = _ => "rgb" };
        color.AcceptOnlyFromAmong("rgb", "gray");
        var equalize = new Option<string>("--equalize") { Description = "none | histogram (equalise each face's grey levels, in training and serving alike).", DefaultValueFactory = _ => "none" };
        equalize.AcceptOnlyFromAmong("none", "histogram");
        var classWeights = new Option<string>("--class-weights") { Description = "none (seed) | sqrt | balanced: weigh the loss towards rare classes.", DefaultValueFactory = _ => "none" };
        classWeights.AcceptOnlyFromAmong("none", "sqrt", "balanced");
        var batchSize = new Option<int>("--batch-size") { Description = "Seed: 32.", DefaultValueFactory = _ => 32 };
        var stage1Epochs = new Option<int>("--stage1-epochs") { Description = "Frozen-backbone epochs (seed: 10; 0 skips stage 1).", DefaultValueFactory = _ => 10 };
        var stage1Lr = new Option<double>("--stage1-lr") { Description = "Seed: 1e-3.", DefaultValueFactory = _ => 1e-3 };
        var stage2Epochs = new Option<int>("--stage2-epochs") { Description = "Full fine-tuning epochs at most (seed: 70).", DefaultValueFactory = _ => 70 };
        var stage2Lr = new Option<double>("--stage2-lr") { Description = "Seed: 1e-5.", DefaultValueFactory = _ => 1e-5 };
        var schedule = new Option<string>("--schedule") { Description = "constant (seed) | cosine (per step, to zero at the stage's end)", DefaultValueFactory = _ => "constant" };
        schedule.AcceptOnlyFromAmong("constant", "cosine");
        var optimizer = new Option<string>("--optimizer") { Description = "adam (seed) | adamw | sgd", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("adam", "adamw", "sgd");
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Weight decay (seed: 0); L2 in the gradient for adam and sgd, decoupled for adamw.", DefaultValueFactory = _ => 0 };
        var labelSmoothing = new Option<double>("--label-smoothing") { Description = "Seed: 0.", DefaultValueFactory = _ => 0 };
        var patience = new Option<int>("--patience") { Description = "Early-stopping patience in stage 2 (seed: 10).", DefaultValueFactory = _ => 10 };
        var monitor = new Option<string>("--monitor") { Description = "val-accuracy (seed's code) | val-loss", DefaultValueFactory = _ => "val-accuracy" };
        monitor.AcceptOnlyFromAmong("val-accuracy", "val-loss");
        var seedExact = new Option<bool>("--seed-exact") { Description = "Reproduce the seed exactly, including CBAM frozen at random init through stage 1." };
        var seed = new Option<long>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var noJitter = new Option<bool>("--no-jitter") { Description = "No brightness/contrast jitter." };
        var noFlip = new Option<bool>("--no-flip") { Description = "No horizontal flip." };
        var noRotation = new Option<bool>("--no-rotation") { Description = "No random rotation." };
        var translate = new Option<double>("--translate") { Description = "Random shift of up to this fraction of the image (not in the seed; e.g. 0.1).", DefaultValueFactory = _ => 0 };
        var erasing = new Option<double>("--random-erasing") { Description = "Probability of erasing a random rectangle (not in the seed; e.g. 0.5).", DefaultValueFactory = _ => 0 };
        var weights = new Option<string?>("--weights") { Description = "Initial weights (.pth or .safetensors), a model folder this project exported (its manifest's normalisation is kept), or 'imagenet': ML.NET's ImageNet ResNet, shipped with fer-train (use --backbone resnet20)." };
        var weightsFormat = new Option<string>("--weights-format") { Description = "torchvision | seed | fer (ignored with --weights imagenet or a model folder)", DefaultValueFactory = _ => "torchvision" };
        weightsFormat.AcceptOnlyFromAmong("torchvision", "seed", "fer");
        var device = new Option<string>("--device") { Description = "cpu | cuda", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch (0: all cores).", DefaultValueFactory = _ => 0 };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Run directory (checkpoints, report, model). Keep it outside the repository." };
        var resume = new Option<DirectoryInfo?>("--resume") { Description = "Continue the interrupted run in this directory with its recorded settings." };

        var command = new Command("train", "Train with the seed's two-stage recipe (every hyperparameter a flag), write the report and export the model.")
        {
            data, layout, trainSplit, valFrom, testFrom, limitTrain, backbone, cbam, dropout, imageSize, color, batchSize,
            equalize, classWeights, stage1Epochs, stage1Lr, stage2Epochs, stage2Lr, schedule, optimizer, momentum, weightDecay, labelSmoothing, patience, monitor,
            seedExact, seed, noJitter, noFlip, noRotation, translate, erasing, weights, weightsFormat, device, threads, output, resume,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(resume) is { } runDirectory)
            {
                return Run(RunFiles.ReadOptions(runDirectory.FullName), runDirectory.FullName);
            }

            var root = parse.GetValue(data) ?? throw new ArgumentException("--data is required (or --resume RUN).");
            var runOut = parse.GetValue(output) ?? throw new ArgumentException("--out is required (or --resume RUN).");
            var layoutValue = Enum.Parse<DatasetLayout>(parse.GetValue(layout)!, ignoreCase: true);
            var (validationFraction, validationSplit) = OptionParsing.ValidationSource(parse.GetValue(valFrom));
            var initialWeights = InitialWeights.Resolve(parse.GetValue(weights), parse.GetValue(weightsFormat)!);
            var options = new TrainingOptions
            {
                Data = new DataOptions
                {
                    Root = root.FullName,
                    Layout = layoutValue,
                    TrainSplit = parse.GetValue(trainSplit)!,
                    ValidationFromTrain = validationFraction,
                    ValidationSplit = validationSplit,
                    TestFromTrain = OptionParsing.FractionOfTrain(parse.GetValue(testFrom), "--test-from"),
                    LimitTrain = parse.GetValue(limitTrain),
                },
                Model = new FerModelOptions
                {
                    Depth = ResNetDepthExtensions.ParseArchitectureName(parse.GetValue(backbone)!),
                    Cbam = CbamPlacementExtensions.ParseOptionName(parse.GetValue(cbam)!),
                    HeadDropout = parse.GetValue(dropout),
                },
                ImageSize = parse.GetValue(imageSize),
                Color = parse.GetValue(color)!,
                Mean = initialWeights.Mean ?? TrainingOptions.TorchvisionMean,
                Std = initialWeights.Std ?? TrainingOptions.TorchvisionStd,
                Equalize = parse.GetValue(equalize) == "none" ? null : parse.GetValue(equalize),
                ClassWeighting = Enum.Parse<ClassWeighting>(parse.GetValue(classWeights)!, ignoreCase: true),
                Augmentation = new AugmentationOptions
                {
                    Brightness = parse.GetValue(noJitter) ? 0 : 0.2,
                    Contrast = parse.GetValue(noJitter) ? 0 : 0.2,
                    HorizontalFlip = !parse.GetValue(noFlip),
                    RotationDegrees = parse.GetValue(noRotation) ? 0 : 10,
                    TranslateFraction = OptionParsing.Fraction(parse.GetValue(translate), "--translate", max: 0.5),
                    ErasingProbability = OptionParsing.Fraction(parse.GetValue(erasing), "--random-erasing", max: 1),
                },
                BatchSize = parse.GetValue(batchSize),
                Stage1Epochs = parse.GetValue(stage1Epochs),
                Stage1LearningRate = parse.GetValue(stage1Lr),
                Stage2Epochs = parse.GetValue(stage2Epochs),
                Stage2LearningRate = parse.GetValue(stage2Lr),
                Schedule = parse.GetValue(schedule) == "cosine" ? LearningRateSchedule.Cosine : LearningRateSchedule.Constant,
                Optimizer = Enum.Parse<OptimizerKind>(parse.GetValue(optimizer)!, ignoreCase: true),
                Momentum = OptionParsing.Fraction(parse.GetValue(momentum), "--momentum", max: 0.999),
                WeightDecay = parse.GetValue(weightDecay),
                LabelSmoothing = parse.GetValue(labelSmoothing),
                Patience = parse.GetValue(patience),
                Monitor = parse.GetValue(monitor) == "val-loss" ? MonitorMetric.ValidationLoss : MonitorMetric.ValidationAccuracy,
                SeedExact = parse.GetValue(seedExact),
                Seed = parse.GetValue(seed),
                Weights = initialWeights.Path,
                WeightsFormat = initialWeights.Format,
                Device = parse.GetValue(device)!,
                Threads = parse.GetValue(threads),
            };
            if (File.Exists(Path.Combine(runOut.FullName, RunState.FileName)))
            {
                throw new ArgumentException($"'{runOut.FullName}' already holds a run; continue it with --resume {runOut.FullName}, or choose another --out.");
            }

            Directory.CreateDirectory(runOut.FullName);
            return Run(options, runOut.FullName);
        });
        return command;
    }

    private static int Run(TrainingOptions options, string runDirectory)
    {
        var clock = Stopwatch.StartNew();
        var flushed = DenormalFlush.TryEnable();
        if (options.Threads > 0)
        {
            torch.set_num_threads(options.Threads);
        }

        var log = Console.Out;
        log.WriteLine(flushed ? "Denormal floats flush to zero (FTZ/DAZ), as torch.set_flush_denormal(True)." : "Denormal floats are kept (FTZ/DAZ not available on this platform).");
        var plan = DataPlan.Build(options.Data);
        log.WriteLine($"Data: {plan.Description}. train {plan.Train.Count}, validation {plan.Validation.Count}, test {plan.Test.Count}; " +
                      $"{plan.MissingFiles.Count} listed but missing, {plan.Duplicates.TrainDuplicatesRemoved} duplicate(s) removed from train, " +
                      $"leaked into validation {plan.Duplicates.LeakedIntoSplit["validation"]}, test {plan.Duplicates.LeakedIntoSplit["test"]}.");
        foreach (var missing in plan.MissingFiles.Take(20))
        {
            log.WriteLine($"  missing: {missing}");
        }

        var command = RunFiles.ReadCommand(runDirectory) ?? CommandLine.Current;
        RunFiles.WriteConfig(runDirectory, options, new Dictionary<string, object?>
        {
            ["command"] = command,
            ["data_fingerprint"] = plan.Fingerprint,
            ["data"] = plan.Description,
            ["counts"] = new { train = plan.Train.Count, validation = plan.Validation.Count, test = plan.Test.Count },
            ["missing_files"] = plan.MissingFiles,
            ["duplicates"] = plan.Duplicates,
            ["versions"] = new
            {
                fer_train = typeof(TrainCommand).Assembly.GetName().Version?.ToString(),
                torchsharp = typeof(torch).Assembly.GetName().Version?.ToString(),
                dotnet = RuntimeInformation.FrameworkDescription,
                os = RuntimeInformation.OSDescription,
                processors = Environment.ProcessorCount,
            },
        });
        File.WriteAllLines(Path.Combine(runDirectory, "test-split.txt"), plan.Test.Select(i => $"{Path.GetRelativePath(options.Data.Root, i.Path)}\t{EmotionLabels.Canonical[i.Label]}"));

        var trainer = new Trainer(options, runDirectory, log);
        var train = Cache("train", plan.Train, trainer);
        var validation = Cache("validation", plan.Validation, trainer);
        var reportDirectory = Path.Combine(runDirectory, "report");
        SampleSheet.Save([("train", train), ("validation", validation)], Path.Combine(reportDirectory, SampleSheet.FileName));
        log.WriteLine($"What the model is fed, per class: {Path.Combine(reportDirectory, SampleSheet.FileName)}");
        var (model, state) = trainer.Train(train, validation);
        using (model)
        {
            var testImages = plan.Test.Count > 0 ? plan.Test : plan.Validation;
            var split = plan.Test.Count > 0 ? "test" : options.Data.ValidationSplit is { } folder ? $"validation (all of '{folder}')" : "validation";
            var test = plan.Test.Count > 0 ? Cache("test", plan.Test, trainer) : validation;
            var result = TorchEvaluator.Evaluate(model, test, trainer.Preprocessor, torch.CPU);
            var metrics = ClassificationMetrics.Compute(test.Labels, result.Predicted, EmotionLabels.Canonical);
            var title = $"{options.Model.Depth.ToArchitectureName()} + CBAM {options.Model.Cbam.ToOptionName()}, {split} split ({testImages.Count} images)";
            ReportWriter.Write(reportDirectory, metrics, title, new Dictionary<string, object?>
            {
                ["split"] = split,
                ["best_stage"] = state.BestStage,
                ["best_epoch"] = state.BestEpoch,
                ["wall_seconds"] = clock.Elapsed.TotalSeconds,
                ["data_fingerprint"] = plan.Fingerprint,
            });
            TrainingCurvesChart.Save(state.History, Path.Combine(reportDirectory, ReportWriter.CurvesFile), title);
            File.WriteAllText(Path.Combine(reportDirectory, "history.json"), System.Text.Json.JsonSerializer.Serialize(state.History, ModelManifest.JsonOptions));
            log.WriteLine(metrics.ToReportText());

            model.cpu();
            var modelDirectory = Path.Combine(runDirectory, "model");
            var manifest = ModelVersionWriter.Write(model, modelDirectory, trainer.Preprocessor.Input, new TrainingInfo
            {
                Dataset = $"{plan.Description} (fingerprint {plan.Fingerprint[..12]})",
                Command = command,
                Metrics = new Dictionary<string, double>
                {
                    ["accuracy"] = metrics.Accuracy,
                    ["macro_f1"] = metrics.MacroF1,
                    ["weighted_f1"] = metrics.WeightedF1,
                    ["best_validation_accuracy"] = state.History.Max(h => h.ValidationAccuracy),
                },
            }, DateTimeOffset.UtcNow);
            foreach (var file in Directory.GetFiles(reportDirectory))
            {
                var target = Path.Combine(modelDirectory, "report", Path.GetFileName(file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }

            var parity = ParityChecker.Check(model, Path.Combine(modelDirectory, manifest.Onnx.File), options.ImageSize, [1, 4], options.Seed);
            parity.Write(modelDirectory);
            log.WriteLine($"Model {manifest.Version} written to {modelDirectory}; parity max_abs_diff {parity.MaxAbsDiff:E2}. Total {clock.Elapsed.TotalMinutes:F1} min.");
            return parity.Passed ? ExitCodes.Success : ExitCodes.ParityFailed;
        }
    }

    private static ImageCache Cache(string name, IReadOnlyList<LabelledImage> images, Trainer trainer)
    {
        var progress = new ProgressBar($"decode {name}", images.Count);
        var cache = ImageCache.Build(images, trainer.Preprocessor, new Progress<int>(done => progress.Report(done, string.Empty)));
        progress.Finish(images.Count, string.Empty);
        foreach (var failure in cache.Failures)
        {
            Console.WriteLine($"  not decodable, left out: {failure}");
        }

        return cache;
    }
}
