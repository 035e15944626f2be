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
        var data = new Option<string?>("--data") { Description = "The data set's root folder, or blob:NAME: a data set uploaded with 'fer data upload' (downloaded to --data-cache, hashes checked)." };
        var dataCache = new Option<DirectoryInfo?>("--data-cache") { Description = $"Where blob: data sets are downloaded (default {TrainingStorage.DefaultDataCache}); files already there with the right hash are kept." };
        var layout = new Option<string>("--layout") { Description = "folders | rafdb | ferplus (label.csv with ten votes per face beside the images)", DefaultValueFactory = _ => "folders" };
        layout.AcceptOnlyFromAmong("folders", "rafdb", "ferplus");
        var trainSplit = new Option<string>("--train-split") { Description = "Name of the training split folder.", DefaultValueFactory = _ => "train" };
        var valFrom = new Option<string?>("--val-from") { Description = "Validation: train:F carves a fraction of train (default for 'folders': train:0.1); a split folder's name (e.g. val) uses it whole." };
        var testFrom = new Option<string?>("--test-from") { Description = "Carve a test set from train, never used for training or selection: train:F." };
        var limitTrain = new Option<int?>("--limit-train") { Description = "Use at most this many training images (stratified): quick trials." };
        var shape = new ModelShapeOptions();
        var dropout = new Option<double>("--dropout") { Description = "Dropout before the head (student report: 0).", DefaultValueFactory = _ => 0 };
        var classWeights = new Option<string>("--class-weights") { Description = "none (student report) | sqrt | balanced: weigh the loss towards rare classes.", DefaultValueFactory = _ => "none" };
        classWeights.AcceptOnlyFromAmong("none", "sqrt", "balanced");
        var batchSize = new Option<int>("--batch-size") { Description = "Student report: 32.", DefaultValueFactory = _ => 32 };
        var stage1Epochs = new Option<int>("--stage1-epochs") { Description = "Frozen-backbone epochs (student report: 10; 0 skips stage 1).", DefaultValueFactory = _ => 10 };
        var stage1Lr = new Option<double>("--stage1-lr") { Description = "Student report: 1e-3.", DefaultValueFactory = _ => 1e-3 };
        var stage2Epochs = new Option<int>("--stage2-epochs") { Description = "Full fine-tuning epochs at most (student report: 70).", DefaultValueFactory = _ => 70 };
        var stage2Lr = new Option<double>("--stage2-lr") { Description = "Student report: 1e-5.", DefaultValueFactory = _ => 1e-5 };
        var schedule = new Option<string>("--schedule") { Description = "constant (student report) | cosine (per step, to zero at the stage's end)", DefaultValueFactory = _ => "constant" };
        schedule.AcceptOnlyFromAmong("constant", "cosine");
        var optimizer = new Option<string>("--optimizer") { Description = "adam (student report) | adamw | sgd", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("adam", "adamw", "sgd");
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Weight decay (student report: 0); L2 in the gradient for adam and sgd, decoupled for adamw.", DefaultValueFactory = _ => 0 };
        var labelSmoothing = new Option<double>("--label-smoothing") { Description = "Student report: 0.", DefaultValueFactory = _ => 0 };
        var patience = new Option<int>("--patience") { Description = "Early-stopping patience in stage 2 (student report: 10).", DefaultValueFactory = _ => 10 };
        var monitor = new Option<string>("--monitor") { Description = "val-accuracy (student report's code) | val-loss", DefaultValueFactory = _ => "val-accuracy" };
        monitor.AcceptOnlyFromAmong("val-accuracy", "val-loss");
        var reportExact = new Option<bool>("--report-exact") { Description = "Reproduce the student report's recipe exactly, flaw included: CBAM stays frozen at its random initialisation through stage 1." };
        var seedExact = DeprecatedSpelling.HiddenFlag("--seed-exact");
        var seed = new Option<long>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var noJitter = new Option<bool>("--no-jitter") { Description = "No brightness/contrast jitter." };
        var noFlip = new Option<bool>("--no-flip") { Description = "No horizontal flip." };
        var noRotation = new Option<bool>("--no-rotation") { Description = "No random rotation." };
        var translate = new Option<double>("--translate") { Description = "Random shift of up to this fraction of the image (not in the student report; e.g. 0.1).", DefaultValueFactory = _ => 0 };
        var erasing = new Option<double>("--random-erasing") { Description = "Probability of erasing a random rectangle (not in the student report; e.g. 0.5).", DefaultValueFactory = _ => 0 };
        var scale = new Option<double>("--scale") { Description = "Random zoom in or out by up to this fraction, as detector boxes vary (e.g. 0.15).", DefaultValueFactory = _ => 0 };
        var edgeFill = new Option<bool>("--edge-fill") { Description = "Fill what rotation, shift and zoom uncover with the edge pixels (as a crop from a photo has context) instead of black." };
        var blur = new Option<double>("--blur") { Description = "Probability of blurring a face by shrinking it to 25-75 % and back, as small faces in photos are (e.g. 0.2).", DefaultValueFactory = _ => 0 };
        var noise = new Option<double>("--noise") { Description = "Grey-level Gaussian noise, standard deviation up to this many levels of 255 (e.g. 6).", DefaultValueFactory = _ => 0 };
        var weights = new Option<string?>("--weights") { Description = "Initial weights (.pth or .safetensors), a model folder this project exported (its manifest's normalisation is kept), or 'imagenet': ML.NET's ImageNet ResNet, shipped with fer-train (use --backbone resnet20)." };
        var weightsFormat = WeightsFormatOption.Create(defaultName: "torchvision", note: " (ignored with --weights imagenet or a model folder)");
        var device = new Option<string>("--device") { Description = "cpu | cuda", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch (0: all cores).", DefaultValueFactory = _ => 0 };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Run directory (checkpoints, report, model). Keep it outside the repository." };
        var resume = new Option<DirectoryInfo?>("--resume") { Description = "Continue the interrupted run in this directory with its recorded settings; with storage, a run missing here is fetched from training/runs/<its name>/." };
        var storageArguments = new StorageArguments();
        var mirrorAverage = new Option<bool>("--mirror-average") { Description = "Export a graph that averages each face's logits with its mirror image's (as fer-train export --mirror-average)." };
        var publish = new Option<bool>("--publish") { Description = "After export, measure the model as served and publish its folder (report included) to the models container." };
        var promote = new Option<bool>("--promote") { Description = "With --publish: also point serving at the new version." };

        var command = new Command("train", "Train with the student report's two-stage recipe (every hyperparameter a flag), write the report and export the model.")
        {
            data, layout, trainSplit, valFrom, testFrom, limitTrain, shape, dropout, batchSize,
            classWeights, stage1Epochs, stage1Lr, stage2Epochs, stage2Lr, schedule, optimizer, momentum, weightDecay, labelSmoothing, patience, monitor,
            reportExact, seedExact, seed, noJitter, noFlip, noRotation, translate, erasing, scale, edgeFill, blur, noise, weights, weightsFormat, device, threads, output, resume,
            dataCache, storageArguments.Account, storageArguments.ConnectionString, mirrorAverage, publish, promote,
        };
        command.SetAction(async (parse, ct) =>
        {
            // Read first, so that an old spelling is named even when the command then fails.
            var reproduceReport = parse.GetValue(reportExact) || DeprecatedSpelling.IsGiven(parse, seedExact, reportExact.Name);
            var format = WeightsFormatOption.Read(parse, weightsFormat);
            var connection = storageArguments.Resolve(parse);
            var storage = connection is null ? null : new TrainingStorage(connection);
            var job = new TrainingJob(parse.GetValue(publish), parse.GetValue(promote), parse.GetValue(mirrorAverage));
            if (job.Promote && !job.Publish)
            {
                throw new FerException("--promote needs --publish.");
            }

            if (job.Publish)
            {
                StorageArguments.Require(connection, "--publish");
            }

            if (parse.GetValue(resume) is { } runDirectory)
            {
                return await ResumeAsync(runDirectory.FullName, storage, job, ct).ConfigureAwait(false);
            }

            var source = DataSource.Parse(parse.GetValue(data) ?? throw new FerException("--data is required (or --resume RUN)."));
            var runOut = parse.GetValue(output) ?? throw new FerException("--out is required (or --resume RUN).");
            var layoutValue = Enum.Parse<DatasetLayout>(parse.GetValue(layout)!, ignoreCase: true);
            var (validationFraction, validationSplit) = OptionParsing.ValidationSource(parse.GetValue(valFrom));
            var initialWeights = InitialWeights.Resolve(parse.GetValue(weights), format);
            var input = shape.ReadInput(parse);
            var options = new TrainingOptions
            {
                Data = new DataOptions
                {
                    Root = source.Folder ?? Path.Combine(parse.GetValue(dataCache)?.FullName ?? TrainingStorage.DefaultDataCache, source.BlobName!),
                    Layout = layoutValue,
                    TrainSplit = parse.GetValue(trainSplit)!,
                    ValidationFromTrain = validationFraction,
                    ValidationSplit = validationSplit,
                    TestFromTrain = OptionParsing.FractionOfTrain(parse.GetValue(testFrom), "--test-from"),
                    LimitTrain = parse.GetValue(limitTrain),
                },
                Model = shape.ReadModel(parse) with { HeadDropout = parse.GetValue(dropout) },
                ImageSize = input.Size,
                Color = input.Color,
                Mean = initialWeights.Mean ?? TrainingOptions.TorchvisionMean,
                Std = initialWeights.Std ?? TrainingOptions.TorchvisionStd,
                Equalize = input.Equalize,
                ClassWeighting = Enum.Parse<ClassWeighting>(parse.GetValue(classWeights)!, ignoreCase: true),
                Augmentation = new AugmentationOptions
                {
                    Brightness = parse.GetValue(noJitter) ? 0 : 0.2,
                    Contrast = parse.GetValue(noJitter) ? 0 : 0.2,
                    HorizontalFlip = !parse.GetValue(noFlip),
                    RotationDegrees = parse.GetValue(noRotation) ? 0 : 10,
                    TranslateFraction = OptionParsing.Fraction(parse.GetValue(translate), "--translate", max: 0.5),
                    ErasingProbability = OptionParsing.Fraction(parse.GetValue(erasing), "--random-erasing", max: 1),
                    ScaleFraction = OptionParsing.Fraction(parse.GetValue(scale), "--scale", max: 0.5),
                    EdgeFill = parse.GetValue(edgeFill),
                    BlurProbability = OptionParsing.Fraction(parse.GetValue(blur), "--blur", max: 1),
                    NoiseStd = OptionParsing.Fraction(parse.GetValue(noise) / 255, "--noise", max: 0.25) * 255,
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
                ReportExact = reproduceReport,
                Seed = parse.GetValue(seed),
                Weights = initialWeights.Path,
                WeightsFormat = initialWeights.Format,
                Device = parse.GetValue(device)!,
                Threads = parse.GetValue(threads),
            };
            if (File.Exists(Path.Combine(runOut.FullName, RunState.FileName)) || storage?.Checkpoints(runOut.FullName).Exists() == true)
            {
                throw new FerException($"A run named '{runOut.Name}' already exists (in '{runOut.FullName}' or in storage); continue it with --resume {runOut.FullName}, or choose another --out.");
            }

            Directory.CreateDirectory(runOut.FullName);
            return await RunAsync(options, source, runOut.FullName, storage, job, ct).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Continues a run; one whose directory is gone (a replaced VM's disk) comes back from its checkpoints in storage.</summary>
    private static async Task<int> ResumeAsync(string runDirectory, TrainingStorage? storage, TrainingJob job, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(runDirectory, RunFiles.ConfigFile)))
        {
            var checkpoints = storage?.Checkpoints(runDirectory);
            if (checkpoints?.Restore(runDirectory) != true)
            {
                throw new RunNotFoundException($"There is no run to resume: '{runDirectory}' has no {RunFiles.ConfigFile}" +
                                               (checkpoints is null ? " (and no storage was named to look in)." : $" and storage has none under {checkpoints.Location}."));
            }

            Console.WriteLine($"Run restored from {checkpoints.Location}.");
        }

        return await RunAsync(RunFiles.ReadOptions(runDirectory), RunFiles.ReadDataSource(runDirectory), runDirectory, storage, job, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RunAsync(TrainingOptions options, DataSource source, string runDirectory, TrainingStorage? storage, TrainingJob job, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var flushed = DenormalFlush.TryEnable();
        if (options.Threads > 0)
        {
            torch.set_num_threads(options.Threads);
        }

        var log = Console.Out;
        if (source.IsBlob)
        {
            var data = storage ?? throw new FerException($"--data {source} needs storage: pass --account NAME or --connection-string (or set {StorageArguments.ConnectionStringVariable}).");
            await data.DownloadDataAsync(source.BlobName!, Path.GetDirectoryName(options.Data.Root)!, log, cancellationToken).ConfigureAwait(false);
        }

        var checkpoints = storage?.Checkpoints(runDirectory);
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
            [RunFiles.DataSourceKey] = source.ToString(),
            ["dataFingerprint"] = plan.Fingerprint,
            ["data"] = plan.Description,
            ["counts"] = new { train = plan.Train.Count, validation = plan.Validation.Count, test = plan.Test.Count },
            ["missingFiles"] = plan.MissingFiles,
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

        var trainer = new Trainer(options, runDirectory, log) { CheckpointSaved = checkpoints is null ? null : () => checkpoints.Upload(runDirectory) };
        if (checkpoints is not null)
        {
            log.WriteLine($"Checkpoints go to {checkpoints.Location} after every epoch: resume anywhere with --resume {runDirectory} and the same storage.");
        }

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
                ["bestStage"] = state.BestStage,
                ["bestEpoch"] = state.BestEpoch,
                ["wallSeconds"] = clock.Elapsed.TotalSeconds,
                ["dataFingerprint"] = plan.Fingerprint,
            });
            TrainingCurvesChart.Save(state.History, Path.Combine(reportDirectory, ReportWriter.CurvesFile), title);
            File.WriteAllText(Path.Combine(reportDirectory, "history.json"), FerJson.Write(state.History));
            log.WriteLine(metrics.ToReportText());

            model.cpu();
            var modelDirectory = Path.Combine(runDirectory, "model");
            var manifest = ModelVersionWriter.Write(model, modelDirectory, trainer.Preprocessor.Input, new TrainingInfo
            {
                Dataset = $"{(source.IsBlob ? source.ToString() : plan.Description)} (fingerprint {plan.Fingerprint[..12]})",
                Command = command,
                // Measured without mirror averaging, so a mirror-averaged export leaves them out (as fer-train export does);
                // with --publish the exported graph is measured as served in report/serving/.
                Metrics = job.MirrorAverage ? null : new Dictionary<string, double>
                {
                    ["accuracy"] = metrics.Accuracy,
                    ["macroF1"] = metrics.MacroF1,
                    ["weightedF1"] = metrics.WeightedF1,
                    ["bestValidationAccuracy"] = state.History.Max(h => h.ValidationAccuracy),
                },
            }, DateTimeOffset.UtcNow, job.MirrorAverage);
            foreach (var file in Directory.GetFiles(reportDirectory))
            {
                var target = Path.Combine(modelDirectory, "report", Path.GetFileName(file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }

            var parity = ParityChecker.Check(ModelVersionWriter.Classifier([model], job.MirrorAverage), Path.Combine(modelDirectory, manifest.Onnx.File), options.ImageSize, [1, 4], options.Seed);
            parity.Write(modelDirectory);
            log.WriteLine($"Model {manifest.Version} written to {modelDirectory}; parity max_abs_diff {parity.MaxAbsDiff:E2}. Total {clock.Elapsed.TotalMinutes:F1} min.");
            if (!parity.Passed)
            {
                log.WriteLine("Parity check FAILED: the model is not published.");
                return ExitCodes.ParityFailed;
            }

            return await job.FinishAsync(storage, modelDirectory, testImages, split, log, cancellationToken).ConfigureAwait(false);
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
