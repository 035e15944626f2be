using System.Diagnostics;
using System.Globalization;
using Fer.Inference;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Training.Data;
using Fer.Training.Model;
using Fer.Training.Reporting;
using Fer.Training.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Training;

/// <summary>
/// The seed's two-stage recipe. Stage 1 trains the head (and CBAM, unless report-exact) on a frozen
/// backbone; stage 2 starts from the best checkpoint so far and trains everything, with early
/// stopping on the monitored validation metric. After every epoch the run directory holds a
/// checkpoint and <see cref="RunState"/>, so an interrupted run resumes where it stopped.
/// </summary>
public sealed class Trainer(TrainingOptions options, string runDirectory, TextWriter log)
{
    public const string LastWeights = "checkpoint-last.safetensors";
    public const string LastOptimizer = "optimizer-last.bin";
    public const string BestWeights = "checkpoint-best.safetensors";

    public ImagePreprocessor Preprocessor { get; } = new(options.ToModelInput());

    /// <summary>Called after each epoch's checkpoint and state are on disk (e.g. to copy them to Blob Storage).</summary>
    public Action? CheckpointSaved { get; init; }

    /// <summary>Trains (or continues) the run; returns the model with the best checkpoint's weights and the final state.</summary>
    public (FerResNet Model, RunState State) Train(ImageCache train, ImageCache validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        var device = ResolveDevice(options.Device);
        var model = FerModelFactory.Create(options.Model, options.Seed);
        var state = RunState.Load(runDirectory) ?? new RunState();
        if (File.Exists(Path.Combine(runDirectory, LastWeights)))
        {
            WeightLoader.Load(model, Path.Combine(runDirectory, LastWeights), WeightFormat.Fer);
            log.WriteLine($"Resuming at stage {state.Stage}, {state.EpochsDoneInStage} epoch(s) done in it; best {state.BestScore:F4} at stage {state.BestStage} epoch {state.BestEpoch}.");
        }
        else if (options.Weights is not null)
        {
            log.Write(WeightLoader.Load(model, options.Weights, options.WeightsFormat));
        }

        model.to(device);
        for (var stage = state.Stage; stage <= 2 && !state.Finished; stage++)
        {
            state = RunStage(model, stage, state, train, validation, device);
        }

        state = state with { Finished = true };
        state.Save(runDirectory);
        if (File.Exists(Path.Combine(runDirectory, BestWeights)))
        {
            WeightLoader.Load(model, Path.Combine(runDirectory, BestWeights), WeightFormat.Fer);
        }

        return (model, state);
    }

    private RunState RunStage(FerResNet model, int stage, RunState state, ImageCache train, ImageCache validation, Device device)
    {
        var epochs = stage == 1 ? options.Stage1Epochs : options.Stage2Epochs;
        if (epochs == 0)
        {
            return state with { Stage = stage + 1, EpochsDoneInStage = 0, EpochsSinceBest = 0 };
        }

        var learningRate = stage == 1 ? options.Stage1LearningRate : options.Stage2LearningRate;
        if (state.Stage != stage)
        {
            state = state with { Stage = stage, EpochsDoneInStage = 0, EpochsSinceBest = 0 };
        }

        if (stage == 2 && state.EpochsDoneInStage == 0 && File.Exists(Path.Combine(runDirectory, BestWeights)))
        {
            // As the seed: stage 2 starts from the best stage-1 checkpoint.
            WeightLoader.Load(model, Path.Combine(runDirectory, BestWeights), WeightFormat.Fer);
        }

        var trainable = SetTrainable(model, stage);
        using var optimizer = OptimizerFactory.Create(options, trainable, learningRate);
        var optimizerPath = Path.Combine(runDirectory, LastOptimizer);
        if (state.EpochsDoneInStage > 0 && File.Exists(optimizerPath))
        {
            optimizer.load_state_dict(optimizerPath);
        }

        var stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        using var classWeights = ClassWeights(train.Labels, options.ClassWeighting, device);
        log.WriteLine($"Stage {stage}: {epochs} epoch(s), {options.Optimizer.OptionName()} lr {learningRate:G3} ({options.Schedule.ToString().ToLowerInvariant()}), {trainable.Count} trainable tensors, {train.Count} train / {validation.Count} validation images.");
        for (var epoch = state.EpochsDoneInStage + 1; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var (trainLoss, trainAccuracy, rate, lastRate) = TrainEpoch(model, optimizer, train, classWeights, device, stage, epoch, epochs, learningRate, stepsPerEpoch);
            var evaluated = TorchEvaluator.Evaluate(model, validation, Preprocessor, device);
            var f1 = ClassificationMetrics.Compute(validation.Labels, evaluated.Predicted, EmotionLabels.Canonical).MacroF1;
            var record = new EpochRecord(stage, epoch, trainLoss, trainAccuracy, evaluated.Loss, evaluated.Accuracy, f1, rate, clock.Elapsed.TotalSeconds, lastRate);
            var score = options.Monitor == MonitorMetric.ValidationAccuracy ? evaluated.Accuracy : -evaluated.Loss;
            var improved = score > state.BestScore;
            state = state with
            {
                EpochsDoneInStage = epoch,
                History = [.. state.History, record],
                BestScore = improved ? score : state.BestScore,
                BestStage = improved ? stage : state.BestStage,
                BestEpoch = improved ? epoch : state.BestEpoch,
                EpochsSinceBest = improved ? 0 : state.EpochsSinceBest + 1,
            };

            SaveCheckpoint(model, optimizer, state, improved);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stage {stage} epoch {epoch}/{epochs}: train loss {trainLoss:F4} acc {trainAccuracy:F4} | val loss {evaluated.Loss:F4} acc {evaluated.Accuracy:F4} macro-F1 {f1:F4} | {rate:F1} img/s, {clock.Elapsed.TotalSeconds:F0} s{(improved ? " | best" : string.Empty)}"));
            if (stage == 2 && state.EpochsSinceBest >= options.Patience)
            {
                log.WriteLine($"Early stopping: no improvement of {options.Monitor} for {options.Patience} epochs.");
                break;
            }
        }

        return state with { Stage = stage + 1, EpochsDoneInStage = 0, EpochsSinceBest = 0 };
    }

    private (double Loss, double Accuracy, double Rate, double LastLearningRate) TrainEpoch(
        FerResNet model, TorchSharp.Modules.OptimizerHelper optimizer, ImageCache train, Tensor? classWeights, Device device,
        int stage, int epoch, int epochs, double learningRate, int stepsPerEpoch)
    {
        model.train();
        var epochSeed = (int)((options.Seed * 1000) + (stage * 100) + epoch);
        torch.manual_seed(epochSeed);
        var progress = new ProgressBar($"stage {stage} epoch {epoch}/{epochs}", train.Count);
        var (seen, correct, lossSum, step) = (0, 0, 0.0, 0);
        var lr = learningRate;
        foreach (var batch in BatchLoader.Batches(train, Preprocessor, options.BatchSize, shuffle: true, options.Augmentation, epochSeed))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                if (batch.Size == 1)
                {
                    // A last batch of one image: BatchNorm's running variance of a single value is NaN, which would
                    // poison every later evaluation. The shuffle leaves out a different image each epoch.
                    continue;
                }

                if (options.Schedule == LearningRateSchedule.Cosine)
                {
                    var t = (double)(((epoch - 1) * stepsPerEpoch) + step) / (epochs * stepsPerEpoch);
                    lr = learningRate * 0.5 * (1 + Math.Cos(Math.PI * t));
                    foreach (var group in optimizer.ParamGroups)
                    {
                        group.LearningRate = lr;
                    }
                }

                optimizer.zero_grad();
                var inputs = batch.Inputs.to(device);
                var labels = batch.Labels.to(device);
                var logits = model.call(inputs);
                var loss = batch.Targets is { } votes
                    ? SoftTargetCrossEntropy(logits, votes.to(device), labels, options.LabelSmoothing, classWeights)
                    : SmoothedCrossEntropy(logits, labels, options.LabelSmoothing, classWeights);
                loss.backward();
                optimizer.step();

                lossSum += loss.item<float>() * batch.Size;
                correct += (int)logits.argmax(1).eq(labels).sum().item<long>();
                seen += batch.Size;
                step++;
                progress.Report(seen, string.Create(CultureInfo.InvariantCulture, $"loss {lossSum / seen:F3} acc {(double)correct / seen:F3}"));
            }
        }

        progress.Finish(seen, string.Create(CultureInfo.InvariantCulture, $"loss {lossSum / Math.Max(1, seen):F3} acc {(double)correct / Math.Max(1, seen):F3}"));
        return (lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen), progress.Rate(seen), lr);
    }

    /// <summary>Stage 1 freezes the backbone (the seed froze everything but fc, CBAM included); stage 2 trains all.</summary>
    private List<TorchSharp.Modules.Parameter> SetTrainable(FerResNet model, int stage)
    {
        var trainable = new List<TorchSharp.Modules.Parameter>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            var train = stage == 2 || WeightNames.IsHead(name) || (!options.ReportExact && WeightNames.IsCbam(name));
            parameter.requires_grad = train;
            if (train)
            {
                trainable.Add(parameter);
            }
        }

        return trainable;
    }

    /// <summary>
    /// Cross-entropy against targets smoothed towards uniform by <paramref name="smoothing"/> (0: plain cross-entropy).
    /// With <paramref name="classWeights"/>, each image's loss counts with its class's weight (a weighted mean).
    /// </summary>
    public static Tensor SmoothedCrossEntropy(Tensor logits, Tensor labels, double smoothing, Tensor? classWeights = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);

        // A hard label is a vote distribution with all its weight on one class.
        using var oneHot = nn.functional.one_hot(labels, logits.shape[1]).to(logits.dtype);
        return SoftTargetCrossEntropy(logits, oneHot, labels, smoothing, classWeights);
    }

    /// <summary>
    /// Cross-entropy against a target distribution per image (FER+'s votes), smoothed towards uniform by
    /// <paramref name="smoothing"/>. With <paramref name="classWeights"/>, each image counts with its majority class's weight.
    /// </summary>
    public static Tensor SoftTargetCrossEntropy(Tensor logits, Tensor targets, Tensor labels, double smoothing, Tensor? classWeights = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var logProbabilities = nn.functional.log_softmax(logits, 1);
        var smoothed = (targets * (1 - smoothing)) + (smoothing / logits.shape[1]);
        var perImage = (smoothed * logProbabilities).sum([1]).neg();
        if (classWeights is null)
        {
            return perImage.mean().MoveToOuterDisposeScope();
        }

        var weights = classWeights.index_select(0, labels);
        return (perImage * weights).sum().div(weights.sum()).MoveToOuterDisposeScope();
    }

    /// <summary>Per-class loss weights from the training labels' counts; null for <see cref="ClassWeighting.None"/>.</summary>
    public static Tensor? ClassWeights(IReadOnlyList<int> labels, ClassWeighting weighting, Device device)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (weighting == ClassWeighting.None)
        {
            return null;
        }

        var classes = EmotionLabels.Canonical.Count;
        var counts = new double[classes];
        foreach (var label in labels)
        {
            counts[label]++;
        }

        var power = weighting == ClassWeighting.Balanced ? 1.0 : 0.5;
        var weights = counts.Select(n => n == 0 ? 0f : (float)Math.Pow(labels.Count / (classes * n), power)).ToArray();
        return torch.tensor(weights, device: device);
    }

    private void SaveCheckpoint(FerResNet model, TorchSharp.Modules.OptimizerHelper optimizer, RunState state, bool improved)
    {
        // Write then rename, so that a crash mid-write never leaves a half checkpoint behind.
        var weights = Path.Combine(runDirectory, LastWeights);
        var partial = Path.Combine(runDirectory, "checkpoint-partial.safetensors");
        StateDictFile.Write(partial, model.state_dict());
        File.Move(partial, weights, overwrite: true);
        optimizer.save_state_dict(Path.Combine(runDirectory, LastOptimizer));
        if (improved)
        {
            File.Copy(weights, Path.Combine(runDirectory, BestWeights), overwrite: true);
        }

        state.Save(runDirectory);
        CheckpointSaved?.Invoke();
    }

    private static Device ResolveDevice(string device)
    {
        if (string.Equals(device, "cuda", StringComparison.OrdinalIgnoreCase))
        {
            return cuda.is_available()
                ? CUDA
                : throw new FerException("--device cuda was asked for, but CUDA is not available: build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU and driver, or use --device cpu.");
        }

        return CPU;
    }
}
