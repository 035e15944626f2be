using Fer.Inference;

namespace Fer.Training.Tests;

/// <summary>How fer-train reports a mistake the user can fix: one line on stderr and the documented exit code.</summary>
[Collection(ConsoleTests.Name)]
public sealed class UserErrorTests
{
    [Fact]
    public void An_option_out_of_range_is_one_line_and_exit_code_1()
    {
        using var temp = new TempDirectory();

        var (exit, output, error) = TrainCommandTests.FerTrain(["train", "--data", temp.Path, "--out", temp.File("run"), "--val-from", "train:5"]);

        Assert.Equal(1, exit);
        Assert.Equal("fer-train: --val-from 'train:5' is not of the form train:F with 0 < F < 0.9 (e.g. train:0.1).", error.Trim());
        Assert.DoesNotContain(" at ", error, StringComparison.Ordinal); // no stack trace
        Assert.Empty(output);
        Assert.False(Directory.Exists(temp.File("run")));
    }

    [Fact]
    public void An_option_the_parser_refuses_is_a_usage_error_with_exit_code_2()
    {
        using var temp = new TempDirectory();

        var (exit, _, error) = TrainCommandTests.FerTrain(["train", "--data", temp.Path, "--out", temp.File("run"), "--no-such-option"]);

        Assert.Equal(2, exit);
        Assert.Contains("--no-such-option", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.File("run")));
    }

    [Fact]
    public void A_missing_data_folder_is_one_line_and_exit_code_1()
    {
        using var temp = new TempDirectory();

        var (exit, _, error) = TrainCommandTests.FerTrain(["evaluate", "--model", temp.File("no-such-model"), "--data", temp.File("no-such-data")]);

        Assert.Equal(1, exit);
        Assert.StartsWith("fer-train: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("1.5", "fer-train: --crop-landmarks is '1.5'; give SIDE:CENTRE (e.g. 1.62:0.3) or none.")]
    [InlineData("9:0.3", "fer-train: --crop-landmarks 9:0.3: input.crop.landmarks.side 9 is outside 0.5..6.")]
    public void A_malformed_landmark_crop_is_one_line_before_calibrate_touches_the_manifest(string value, string message)
    {
        using var temp = new TempDirectory();
        TestModels.Export(temp.File("model"), seed: 1);
        var manifest = Path.Combine(temp.File("model"), "manifest.json");
        var before = File.ReadAllText(manifest);

        var (exit, _, error) = TrainCommandTests.FerTrain(["calibrate", "--model", temp.File("model"), "--data", temp.File("no-such-data"), "--crop-landmarks", value]);

        Assert.Equal((1, message), (exit, error.Trim()));
        Assert.Equal(before, File.ReadAllText(manifest));
    }

    [Fact]
    public void Quantizing_on_an_empty_data_folder_is_one_line_and_exit_code_1()
    {
        using var temp = new TempDirectory();
        TestModels.Export(temp.File("model"), seed: 1);
        Directory.CreateDirectory(temp.File("data"));

        var (exit, _, error) = TrainCommandTests.FerTrain(["quantize", "--model", temp.File("model"), "--data", temp.File("data")]);

        Assert.Equal(1, exit);
        Assert.StartsWith("fer-train: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Quantizing_on_no_calibration_samples_is_one_line_and_exit_code_1()
    {
        using var temp = new TempDirectory();
        TestModels.Export(temp.File("model"), seed: 1);
        MiniatureDataset.WriteFolders(temp.File("data"), "train", perClass: 1, size: 48, seed: 1);

        // --samples 0 leaves the calibrator nothing to measure: a FerException, not an ArgumentException's stack trace.
        var (exit, _, error) = TrainCommandTests.FerTrain(["quantize", "--model", temp.File("model"), "--data", temp.File("data"), "--samples", "0", "--timing-runs", "0"]);

        Assert.Equal(1, exit);
        Assert.StartsWith("fer-train: No calibration samples were given", error.Trim(), StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }
}
