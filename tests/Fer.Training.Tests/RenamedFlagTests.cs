using Fer.Inference.Models;
using Fer.Training.Cli;
using Fer.Training.Export;
using Fer.Training.Model;
using Fer.Training.Weights;

namespace Fer.Training.Tests;

/// <summary>
/// The student report's flags no longer say "seed" (that is --seed, the random seed): --report-exact and
/// --weights-format report-pth; the old spellings still work, with one warning line each.
/// </summary>
[Collection(ConsoleTests.Name)]
public sealed class RenamedFlagTests
{
    [Theory]
    [InlineData("report-pth", false)]
    [InlineData("seed", true)]
    public void Export_loads_the_student_reports_checkpoint_under_either_name(string formatName, bool warns)
    {
        using var temp = new TempDirectory();
        var options = new FerModelOptions { Depth = ResNetDepth.ResNet18, Cbam = CbamPlacement.Light };
        using var source = FerModelFactory.Create(options, seed: 41);
        ModelTesting.RandomizeBatchNorm(source, seed: 42);
        var checkpoint = temp.File("best_resnet50_cbam.pth");
        StateDictFile.Write(checkpoint, source.state_dict().ToDictionary(p => WeightNames.ToSeed(p.Key), p => p.Value));

        var (exit, output, error) = TrainCommandTests.FerTrain(
            ["export", "--weights", checkpoint, "--weights-format", formatName, "--backbone", "resnet18", "--image-size", "32", "--out", temp.File("model")]);

        Assert.True(exit == ExitCodes.Success, output + error);
        var manifest = ModelManifest.Load(temp.File(Path.Combine("model", ModelManifest.FileName)));
        Assert.EndsWith("-" + WeightsFingerprint.Compute(source)[..7], manifest.Version, StringComparison.Ordinal); // the file's weights, not a random init
        Assert.Equal("weights best_resnet50_cbam.pth (report-pth)", manifest.Training!.Dataset);
        var warnings = Warnings(error);
        Assert.Equal(warns ? ["fer-train: warning: '--weights-format seed' is deprecated, use '--weights-format report-pth' ('seed' only means --seed, the random seed)."] : [], warnings);
    }

    [Fact]
    public void Train_accepts_the_old_spellings_and_names_their_replacements_before_anything_else()
    {
        var (exit, _, error) = TrainCommandTests.FerTrain(["train", "--seed-exact", "--weights-format", "seed"]);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("fer-train: --data is required (or --resume RUN).", error, StringComparison.Ordinal); // parsed: no "unrecognized" error
        var warnings = Warnings(error);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("'--seed-exact' is deprecated, use '--report-exact'", warnings[0], StringComparison.Ordinal);
        Assert.Contains("'--weights-format seed' is deprecated, use '--weights-format report-pth'", warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void The_help_names_only_the_new_spellings()
    {
        var train = TrainCommand.Create();
        var export = ExportCommand.Create();

        Assert.True(train.Options.Single(o => o.Name == "--seed-exact").Hidden);
        Assert.False(train.Options.Single(o => o.Name == "--report-exact").Hidden);
        foreach (var command in new[] { train, export })
        {
            var format = command.Options.Single(o => o.Name == "--weights-format");
            Assert.Equal("torchvision|report-pth|fer", format.HelpName);
            Assert.DoesNotContain("seed", format.Description, StringComparison.Ordinal);
        }
    }

    private static List<string> Warnings(string error) =>
        [.. error.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.StartsWith("fer-train: warning:", StringComparison.Ordinal))];
}
