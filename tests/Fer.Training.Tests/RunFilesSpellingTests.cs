using System.Text.Json;
using System.Text.Json.Serialization;
using Fer.Training.Cli;
using Fer.Training.Reporting;
using Fer.Training.Training;
using Fer.Training.Weights;

namespace Fer.Training.Tests;

/// <summary>
/// A run's files are written in camelCase with schema 2, and --resume still reads the snake_case files of a run
/// an older Fer started (schema 1, without a schema field).
/// </summary>
public sealed class RunFilesSpellingTests
{
    /// <summary>How run files were spelled before schema 2.</summary>
    private static readonly JsonSerializerOptions SnakeCase = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static TrainingOptions Options(string root) => TrainingTests.Options(root, 3) with
    {
        ImageSize = 48,
        Monitor = MonitorMetric.ValidationLoss,
        Optimizer = OptimizerKind.Sgd,
    };

    [Fact]
    public void The_configuration_of_an_older_run_reads_its_snake_case_options_and_data_source()
    {
        using var temp = new TempDirectory();
        var options = Options(temp.File("faces"));
        var old = $$"""{"command": "fer-train train", "data_source": "blob:faces", "options": {{JsonSerializer.Serialize(options, SnakeCase)}}}""";
        Assert.Contains("\"monitor\":\"validation_loss\"", old, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(temp.Path, RunFiles.ConfigFile), old);

        var read = RunFiles.ReadOptions(temp.Path);

        Assert.Equal((48, MonitorMetric.ValidationLoss, OptimizerKind.Sgd), (read.ImageSize, read.Monitor, read.Optimizer));
        Assert.Equal(options.Data.Root, read.Data.Root);
        Assert.Equal("faces", RunFiles.ReadDataSource(temp.Path).BlobName);
        Assert.Equal("fer-train train", RunFiles.ReadCommand(temp.Path));
    }

    [Fact]
    public void An_older_run_started_with_the_report_recipe_keeps_it_under_its_new_name()
    {
        using var temp = new TempDirectory();
        var options = JsonSerializer.Serialize(Options(temp.File("faces")) with { WeightsFormat = WeightFormat.ReportPth }, SnakeCase)
            .Replace("\"report_exact\":false", "\"seed_exact\":true", StringComparison.Ordinal)
            .Replace("\"weights_format\":\"report_pth\"", "\"weights_format\":\"seed\"", StringComparison.Ordinal);
        Assert.Contains("\"seed_exact\":true", options, StringComparison.Ordinal);
        Assert.Contains("\"weights_format\":\"seed\"", options, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(temp.Path, RunFiles.ConfigFile), $$"""{"options": {{options}}}""");

        var read = RunFiles.ReadOptions(temp.Path);
        Assert.True(read.ReportExact);
        Assert.Equal(WeightFormat.ReportPth, read.WeightsFormat);

        RunFiles.WriteConfig(temp.Path, read, new Dictionary<string, object?>());
        var json = File.ReadAllText(Path.Combine(temp.Path, RunFiles.ConfigFile));
        Assert.Contains("\"reportExact\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"weightsFormat\": \"reportPth\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("seed_exact", json, StringComparison.Ordinal);
        Assert.DoesNotContain(": \"seed\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_configuration_is_camelCase_with_its_schema_and_reads_back()
    {
        using var temp = new TempDirectory();
        var options = Options(temp.File("faces"));
        RunFiles.WriteConfig(temp.Path, options, new Dictionary<string, object?> { [RunFiles.DataSourceKey] = "blob:faces" });
        var json = File.ReadAllText(Path.Combine(temp.Path, RunFiles.ConfigFile));

        Assert.StartsWith("{\n  \"schema\": 2,", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"dataSource\": \"blob:faces\"", json, StringComparison.Ordinal);
        Assert.Contains("\"imageSize\": 48", json, StringComparison.Ordinal);
        Assert.Contains("\"monitor\": \"validationLoss\"", json, StringComparison.Ordinal);
        Assert.Equal((48, MonitorMetric.ValidationLoss), (RunFiles.ReadOptions(temp.Path).ImageSize, RunFiles.ReadOptions(temp.Path).Monitor));
        Assert.Equal("faces", RunFiles.ReadDataSource(temp.Path).BlobName);
    }

    [Fact]
    public void The_state_of_an_older_run_reads_and_is_saved_again_in_camelCase()
    {
        using var temp = new TempDirectory();
        var state = new RunState
        {
            Stage = 2,
            EpochsDoneInStage = 3,
            BestScore = 0.5,
            History = [new EpochRecord(2, 3, 1.1, 0.6, 1.2, 0.55, 0.5, 80, 12, 1e-3)],
        };
        File.WriteAllText(Path.Combine(temp.Path, RunState.FileName), JsonSerializer.Serialize(state, SnakeCase).Replace("\"schema\":2,", string.Empty, StringComparison.Ordinal));
        Assert.Contains("\"epochs_done_in_stage\":3", File.ReadAllText(Path.Combine(temp.Path, RunState.FileName)), StringComparison.Ordinal);

        var old = RunState.Load(temp.Path)!;
        old.Save(temp.Path);
        var json = File.ReadAllText(Path.Combine(temp.Path, RunState.FileName));
        var again = RunState.Load(temp.Path)!;

        Assert.Equal((2, 3, 0.5), (old.Stage, old.EpochsDoneInStage, old.BestScore));
        Assert.Equal(state.History, old.History);
        Assert.Contains("\"schema\": 2", json, StringComparison.Ordinal);
        Assert.Contains("\"epochsDoneInStage\": 3", json, StringComparison.Ordinal);
        Assert.Contains("\"validationMacroF1\": 0.5", json, StringComparison.Ordinal);
        Assert.Equal(state.History, again.History);
        Assert.Equal(3, again.EpochsDoneInStage);
    }
}
