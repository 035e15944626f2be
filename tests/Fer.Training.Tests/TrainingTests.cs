using Fer.Inference.Models;
using Fer.Training.Data;
using Fer.Training.Model;
using Fer.Training.Training;

namespace Fer.Training.Tests;

public sealed class TrainingTests
{
    /// <summary>A quick run on a miniature data set: ResNet-18 at 32 px, no augmentation.</summary>
    internal static TrainingOptions Options(string root, int stage2Epochs) => new()
    {
        Data = new DataOptions { Root = root, ValidationFromTrain = 0.25 },
        Model = new FerModelOptions { Depth = ResNetDepth.ResNet18, Cbam = CbamPlacement.Light },
        ImageSize = 32,
        Augmentation = AugmentationOptions.None,
        BatchSize = 16,
        Stage1Epochs = 1,
        Stage2Epochs = stage2Epochs,
        Stage2LearningRate = 1e-3,
        Schedule = LearningRateSchedule.Constant,
        Seed = 3,
    };

    [Fact]
    public void A_short_run_learns_a_learnable_signal_far_above_chance()
    {
        using var temp = new TempDirectory();
        MiniatureDataset.WriteFolders(temp.Path, "train", perClass: 24, size: 32, seed: 11);
        var options = Options(temp.Path, stage2Epochs: 6);
        var trainer = new Trainer(options, temp.File("run"), TextWriter.Null);
        Directory.CreateDirectory(temp.File("run"));
        var plan = DataPlan.Build(options.Data);
        var train = ImageCache.Build(plan.Train, trainer.Preprocessor);
        var validation = ImageCache.Build(plan.Validation, trainer.Preprocessor);

        var (model, state) = trainer.Train(train, validation);
        using (model)
        {
            var result = TorchEvaluator.Evaluate(model, validation, trainer.Preprocessor, TorchSharp.torch.CPU);

            // Chance is 1/7 = 0.14.
            Assert.True(result.Accuracy >= 0.6, $"validation accuracy {result.Accuracy:F3}");
            Assert.Equal(7, state.History.Count);
            Assert.Equal(state.History.Max(h => h.ValidationAccuracy), result.Accuracy, 6); // the best checkpoint was restored
        }
    }

    [Fact]
    public void An_interrupted_run_resumes_from_its_last_checkpoint()
    {
        using var temp = new TempDirectory();
        MiniatureDataset.WriteFolders(temp.Path, "train", perClass: 6, size: 32, seed: 12);
        var run = temp.File("run");
        Directory.CreateDirectory(run);
        var first = new Trainer(Options(temp.Path, stage2Epochs: 1), run, TextWriter.Null);
        var plan = DataPlan.Build(Options(temp.Path, 1).Data);
        var train = ImageCache.Build(plan.Train, first.Preprocessor);
        var validation = ImageCache.Build(plan.Validation, first.Preprocessor);
        first.Train(train, validation).Model.Dispose();

        // Pretend the run was cut short after stage 2's first epoch of three.
        var state = RunState.Load(run)!;
        (state with { Finished = false, Stage = 2, EpochsDoneInStage = 1 }).Save(run);
        var resumed = new Trainer(Options(temp.Path, stage2Epochs: 3), run, TextWriter.Null);
        var (model, final) = resumed.Train(train, validation);
        model.Dispose();

        Assert.Equal(4, final.History.Count);
        Assert.Equal([(1, 1), (2, 1), (2, 2), (2, 3)], final.History.Select(h => (h.Stage, h.Epoch)));
        Assert.True(final.Finished);
    }

    [Fact]
    public void A_last_batch_of_one_image_does_not_poison_BatchNorm()
    {
        using var temp = new TempDirectory();
        MiniatureDataset.WriteFolders(temp.Path, "train", perClass: 3, size: 32, seed: 13);
        var options = Options(temp.Path, stage2Epochs: 1) with { Stage1Epochs = 0, BatchSize = 13 }; // 14 training images: 13 + 1
        var run = temp.File("run");
        Directory.CreateDirectory(run);
        var trainer = new Trainer(options, run, TextWriter.Null);
        var plan = DataPlan.Build(options.Data);
        var train = ImageCache.Build(plan.Train, trainer.Preprocessor);
        var validation = ImageCache.Build(plan.Validation, trainer.Preprocessor);

        var (model, state) = trainer.Train(train, validation);
        model.Dispose();

        Assert.Equal(1, train.Count % options.BatchSize);
        Assert.True(double.IsFinite(Assert.Single(state.History).ValidationLoss), "validation loss after an epoch that ended with a batch of one");
    }

    [Fact]
    public void Training_tensors_equal_serving_tensors_for_the_same_file()
    {
        using var temp = new TempDirectory();
        var path = temp.File("face.jpg");
        File.WriteAllBytes(path, MiniatureDataset.Encode(MiniatureDataset.Draw(3, 57, new Random(5)), ".jpg"));
        var unequalized = new float[3 * 40 * 40];
        foreach (var (color, equalize) in new[] { ("rgb", (string?)null), ("gray", null), ("rgb", "histogram"), ("gray", "histogram") })
        {
            var trainer = new Trainer(Options(temp.Path, 1) with { ImageSize = 40, Color = color, Equalize = equalize }, temp.Path, TextWriter.Null);
            var cache = ImageCache.Build([new LabelledImage(path, 3)], trainer.Preprocessor);
            using var batch = BatchLoader.Make(cache, trainer.Preprocessor, [0], AugmentationOptions.None, new Random(0));

            var serving = new float[trainer.Preprocessor.TensorLength];
            new Fer.Inference.Preprocessing.ImagePreprocessor(new ModelInput { Size = 40, Color = color, Equalize = equalize }).Preprocess(File.ReadAllBytes(path), serving);

            Assert.Equal(serving, batch.Inputs.data<float>().ToArray());
            if (color == "gray" && equalize is null)
            {
                unequalized = serving;
            }
            else if (color == "gray")
            {
                Assert.NotEqual(unequalized, serving); // equalisation really ran on both sides
            }
        }
    }
}
