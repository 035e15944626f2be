using System.CommandLine;
using Fer.Inference;
using Fer.Training.Data;
using Fer.Training.Model;
using Fer.Training.Runs;
using Fer.Training.Training;

namespace Fer.Training.Cli;

/// <summary>
/// <c>fer-train train</c>: its options, read into <see cref="TrainingRunSettings"/> (or those of the run to resume) for a
/// <see cref="TrainingRun"/>, which does the work: the two-stage recipe, the report and the exported model version.
/// </summary>
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
                return await new TrainingRun(TrainingRunSettings.Resume(runDirectory.FullName, storage, job, Console.Out), Console.Out).ExecuteAsync(ct).ConfigureAwait(false);
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
            return await new TrainingRun(new TrainingRunSettings(options, source, runOut.FullName, storage, job), Console.Out).ExecuteAsync(ct).ConfigureAwait(false);
        });
        return command;
    }
}
