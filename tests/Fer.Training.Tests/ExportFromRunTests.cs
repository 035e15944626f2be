using System.CommandLine;
using Fer.Inference;
using Fer.Inference.Models;
using Fer.Training.Cli;
using Fer.Training.Data;
using Fer.Training.Export;
using Fer.Training.Model;
using Fer.Training.Training;
using Fer.Training.Weights;

namespace Fer.Training.Tests;

/// <summary><c>fer-train export --from-run</c>: a run's best checkpoint, exported with the run's settings.</summary>
public sealed class ExportFromRunTests
{
    private const string TrainCommandLine = "fer-train train --data faces --backbone resnet18 --image-size 40 --color gray --out run";
    private const string Fingerprint = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly TrainingOptions RunOptions = new()
    {
        Data = new DataOptions { Root = "faces" },
        Model = new FerModelOptions { Depth = ResNetDepth.ResNet18, Cbam = CbamPlacement.Light },
        ImageSize = 40,
        Color = "gray",
        Mean = [0.5f, 0.5f, 0.5f],
        Std = [0.25f, 0.25f, 0.25f],
    };

    [Fact]
    public void An_unfinished_run_exports_its_best_checkpoint_with_its_architecture_preprocessing_and_command()
    {
        using var temp = new TempDirectory();
        var run = temp.File("run");
        var weightsFingerprint = WriteRun(run);

        var exitCode = ExportCommand.Create().Parse(["--from-run", run, "--out", temp.File("model")]).Invoke();

        Assert.Equal(ExitCodes.Success, exitCode);
        var manifest = ModelManifest.Load(temp.File(Path.Combine("model", ModelManifest.FileName)));
        Assert.EndsWith("-" + weightsFingerprint[..7], manifest.Version, StringComparison.Ordinal);
        Assert.Equal(new ModelArchitecture("resnet18", "light"), manifest.Architecture);
        Assert.Equal((40, "gray"), (manifest.Input.Size, manifest.Input.Color));
        Assert.Equal(RunOptions.Mean, manifest.Input.Mean);
        Assert.Equal(RunOptions.Std, manifest.Input.Std);
        Assert.Equal(TrainCommandLine, manifest.Training!.Command);
        Assert.Equal("folders data in 'faces' (fingerprint 0123456789ab)", manifest.Training.Dataset);
        Assert.Null(manifest.Training.Metrics);
    }

    [Fact]
    public void A_finished_runs_metrics_travel_with_its_own_graph_but_not_with_a_mirror_averaged_one()
    {
        using var temp = new TempDirectory();
        var run = temp.File("run");
        WriteRun(run);
        using (var model = FerModelFactory.Create(RunOptions.Model, seed: 5))
        {
            ModelVersionWriter.Write(model, Path.Combine(run, "model"), new ModelInput { Size = 40, Color = "gray" }, new TrainingInfo
            {
                Dataset = "the run's data",
                Command = TrainCommandLine,
                Metrics = new Dictionary<string, double> { ["accuracy"] = 0.61 },
            }, DateTimeOffset.UnixEpoch);
        }

        Assert.Equal(ExitCodes.Success, ExportCommand.Create().Parse(["--from-run", run, "--out", temp.File("plain")]).Invoke());
        Assert.Equal(ExitCodes.Success, ExportCommand.Create().Parse(["--from-run", run, "--mirror-average", "--out", temp.File("mirror")]).Invoke());

        var plain = ModelManifest.Load(temp.File(Path.Combine("plain", ModelManifest.FileName)));
        var mirror = ModelManifest.Load(temp.File(Path.Combine("mirror", ModelManifest.FileName)));
        Assert.Equal(0.61, plain.Training!.Metrics!["accuracy"]);
        Assert.Equal("the run's data", plain.Training.Dataset);
        Assert.Null(mirror.Training!.Metrics);
        Assert.Equal(TrainCommandLine, mirror.Training.Command);
        Assert.Equal(MirrorAveragedClassifier.ManifestName, mirror.Architecture.TestTimeAugmentation);
    }

    [Fact]
    public void Two_runs_export_as_one_ensemble_without_either_runs_metrics()
    {
        using var temp = new TempDirectory();
        var (first, second) = (temp.File("first"), temp.File("second"));
        WriteRun(first, seed: 77);
        WriteRun(second, seed: 79);

        var exitCode = ExportCommand.Create().Parse(["--from-run", first, "--from-run", second, "--mirror-average", "--out", temp.File("ensemble")]).Invoke();

        Assert.Equal(ExitCodes.Success, exitCode);
        var manifest = ModelManifest.Load(temp.File(Path.Combine("ensemble", ModelManifest.FileName)));
        Assert.Equal(new ModelArchitecture("resnet18", "light", MirrorAveragedClassifier.ManifestName, 2), manifest.Architecture);
        Assert.Equal((40, "gray"), (manifest.Input.Size, manifest.Input.Color));
        Assert.Null(manifest.Training!.Metrics);
        Assert.Equal("folders data in 'faces' (fingerprint 0123456789ab)", manifest.Training.Dataset);
        Assert.EndsWith(" && " + TrainCommandLine + " && " + TrainCommandLine, manifest.Training.Command, StringComparison.Ordinal);
        var parity = System.Text.Json.JsonDocument.Parse(File.ReadAllText(temp.File(Path.Combine("ensemble", ParityReport.FileName))));
        Assert.Equal(1.0, parity.RootElement.GetProperty("argmaxAgreement").GetDouble());
    }

    [Fact]
    public void Runs_trained_on_different_preprocessing_do_not_make_an_ensemble_and_nothing_is_written()
    {
        using var temp = new TempDirectory();
        var (gray, rgb) = (temp.File("gray"), temp.File("rgb"));
        WriteRun(gray, seed: 77);
        WriteRun(rgb, seed: 79, RunOptions with { Color = "rgb" });

        var error = Assert.Throws<FerException>(() =>
            ExportCommand.Create().Parse(["--from-run", gray, "--from-run", rgb, "--out", temp.File("ensemble")]).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));

        Assert.Contains("40 px gray", error.Message, StringComparison.Ordinal);
        Assert.Contains("40 px rgb", error.Message, StringComparison.Ordinal);
        Assert.Contains("trained on different preprocessing", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.File("ensemble")));
    }

    [Fact]
    public void Architecture_options_beside_from_run_are_refused_by_name()
    {
        var parse = ExportCommand.Create().Parse(["--from-run", "run", "--backbone", "resnet50", "--image-size", "96", "--out", "model"]);

        var error = Assert.Single(parse.Errors).Message;
        Assert.Contains("--backbone", error, StringComparison.Ordinal);
        Assert.Contains("--image-size", error, StringComparison.Ordinal);
        Assert.DoesNotContain("--color", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_that_is_not_a_run_or_has_no_best_checkpoint_says_so()
    {
        using var temp = new TempDirectory();
        var notARun = Assert.Throws<FileNotFoundException>(() => TrainedRun.Open(temp.Path));
        Assert.Contains("is not a run directory", notARun.Message, StringComparison.Ordinal);

        RunFiles.WriteConfig(temp.Path, RunOptions, new Dictionary<string, object?> { ["command"] = TrainCommandLine });
        var noCheckpoint = Assert.Throws<FileNotFoundException>(() => TrainedRun.Open(temp.Path));
        Assert.Contains("has not finished an epoch yet", noCheckpoint.Message, StringComparison.Ordinal);
    }

    /// <summary>A run directory as <c>fer-train train</c> leaves it after an epoch; returns the weights' fingerprint.</summary>
    private static string WriteRun(string run, long seed = 77, TrainingOptions? options = null)
    {
        Directory.CreateDirectory(run);
        RunFiles.WriteConfig(run, options ?? RunOptions, new Dictionary<string, object?>
        {
            ["command"] = TrainCommandLine,
            ["data_fingerprint"] = Fingerprint,
            ["data"] = "folders data in 'faces'",
        });
        using var model = FerModelFactory.Create(RunOptions.Model, seed);
        ModelTesting.RandomizeBatchNorm(model, seed + 1);
        StateDictFile.Write(Path.Combine(run, Trainer.BestWeights), model.state_dict());
        return WeightsFingerprint.Compute(model);
    }
}
