using System.CommandLine;
using System.Text.Json.Nodes;
using Fer.Inference;
using Fer.Training.Cli;
using Fer.Training.Data;
using Fer.Training.Training;

namespace Fer.Training.Tests;

/// <summary><c>--optimizer adam|adamw|sgd</c>: each one trains, resumes, and is remembered by the run.</summary>
public sealed class OptimizerTests
{
    private static TrainingOptions Options(string root, OptimizerKind optimizer, double learningRate, int stage2Epochs) =>
        TrainingTests.Options(root, stage2Epochs) with
        {
            Stage1Epochs = 0,
            Stage2LearningRate = learningRate,
            Optimizer = optimizer,
            WeightDecay = 1e-4,
            Seed = 5,
        };

    [Theory]
    [InlineData(OptimizerKind.AdamW, 1e-3)]
    [InlineData(OptimizerKind.Sgd, 0.05)]
    public void A_short_run_with_each_optimizer_learns_and_resumes_after_an_interruption(OptimizerKind optimizer, double learningRate)
    {
        using var temp = new TempDirectory();
        MiniatureDataset.WriteFolders(temp.Path, "train", perClass: 24, size: 32, seed: 21);
        var run = temp.File("run");
        Directory.CreateDirectory(run);
        var plan = DataPlan.Build(Options(temp.Path, optimizer, learningRate, 1).Data);
        var first = new Trainer(Options(temp.Path, optimizer, learningRate, stage2Epochs: 1), run, TextWriter.Null);
        var train = ImageCache.Build(plan.Train, first.Preprocessor);
        var validation = ImageCache.Build(plan.Validation, first.Preprocessor);
        first.Train(train, validation).Model.Dispose();

        // Cut short after the first of five epochs: the rest starts by loading this optimiser's saved state.
        var state = RunState.Load(run)!;
        (state with { Finished = false, Stage = 2, EpochsDoneInStage = 1 }).Save(run);
        var resumed = new Trainer(Options(temp.Path, optimizer, learningRate, stage2Epochs: 5), run, TextWriter.Null);
        var (model, final) = resumed.Train(train, validation);
        using (model)
        {
            var result = TorchEvaluator.Evaluate(model, validation, resumed.Preprocessor, TorchSharp.torch.CPU);

            // Chance is 1/7 = 0.14.
            Assert.True(result.Accuracy >= 0.6, $"{optimizer}: validation accuracy {result.Accuracy:F3}");
            Assert.Equal([1, 2, 3, 4, 5], final.History.Select(h => h.Epoch));
        }
    }

    [Fact]
    public void The_run_configuration_keeps_the_optimizer_and_an_older_run_without_one_reads_as_adam()
    {
        using var temp = new TempDirectory();
        var options = Options("faces", OptimizerKind.Sgd, 0.02, 3) with { Momentum = 0.8 };
        RunFiles.WriteConfig(temp.Path, options, new Dictionary<string, object?>());

        var read = RunFiles.ReadOptions(temp.Path);
        Assert.Equal(OptimizerKind.Sgd, read.Optimizer);
        Assert.Equal(0.8, read.Momentum);

        var config = Path.Combine(temp.Path, RunFiles.ConfigFile);
        var document = JsonNode.Parse(File.ReadAllText(config))!;
        Assert.Equal("sgd", document["options"]!["optimizer"]!.GetValue<string>());
        document["options"]!.AsObject().Remove("optimizer");
        File.WriteAllText(config, document.ToJsonString());
        Assert.Equal(OptimizerKind.Adam, RunFiles.ReadOptions(temp.Path).Optimizer);

        RunFiles.WriteConfig(temp.Path, options with { Optimizer = OptimizerKind.AdamW }, new Dictionary<string, object?>());
        Assert.Contains("\"optimizer\": \"adamw\"", File.ReadAllText(config), StringComparison.Ordinal);
        Assert.Equal(OptimizerKind.AdamW, RunFiles.ReadOptions(temp.Path).Optimizer);
    }

    [Fact]
    public void An_unknown_optimizer_or_a_momentum_outside_0_to_1_is_refused_by_name()
    {
        var unknown = TrainCommand.Create().Parse(["--data", "faces", "--out", "run", "--optimizer", "rmsprop"]);
        Assert.Contains(unknown.Errors, e => e.Message.Contains("rmsprop", StringComparison.Ordinal));

        using var temp = new TempDirectory();
        var momentum = TrainCommand.Create().Parse(["--data", temp.Path, "--out", temp.File("run"), "--optimizer", "sgd", "--momentum", "1.5"]);
        var error = Assert.Throws<FerException>(() => momentum.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
        Assert.Contains("--momentum 1.5 is out of range", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.File("run")));
    }
}
