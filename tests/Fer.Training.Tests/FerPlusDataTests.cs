using System.Globalization;
using Fer.Training.Data;
using Fer.Training.Training;

namespace Fer.Training.Tests;

/// <summary>FER+'s layout: label.csv with ten vote counts per face beside the images, generated here.</summary>
public sealed class FerPlusDataTests
{
    // FER+ column order: neutral, happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF.
    private static readonly (string Name, int[] Votes)[] Faces =
    [
        ("fer0000000.png", [4, 0, 0, 1, 3, 2, 0, 0, 0, 0]), // Neutral by 4 of 10
        ("fer0000001.png", [0, 9, 1, 0, 0, 0, 0, 0, 0, 0]), // Happiness
        ("fer0000002.png", [0, 0, 0, 0, 0, 0, 0, 0, 2, 8]), // not a face: dropped
        ("fer0000003.png", [3, 0, 0, 3, 0, 0, 0, 0, 4, 0]), // unknown on top: dropped
        ("fer0000004.png", [0, 0, 4, 0, 0, 0, 4, 2, 0, 0]), // a tie: dropped
        ("fer0000005.png", [1, 0, 0, 0, 0, 0, 6, 0, 3, 0]), // Fear
    ];

    private static string WriteSplit(TempDirectory temp, string split = "train", bool writeImages = true)
    {
        var folder = Path.Combine(temp.Path, split);
        Directory.CreateDirectory(folder);
        var random = new Random(5);
        var lines = new List<string>();
        foreach (var (name, votes) in Faces)
        {
            if (writeImages)
            {
                using var bitmap = MiniatureDataset.Draw(0, 16, random);
                File.WriteAllBytes(Path.Combine(folder, name), MiniatureDataset.Encode(bitmap, ".png"));
            }

            lines.Add($"{name},\"(0, 0, 48, 48)\",{string.Join(',', votes.Select(v => v.ToString(CultureInfo.InvariantCulture)))}");
        }

        File.WriteAllLines(Path.Combine(folder, FerPlusLabels.FileName), lines);
        return folder;
    }

    [Fact]
    public void Faces_with_a_clear_majority_among_the_seven_emotions_are_kept_with_their_votes_in_canonical_order()
    {
        using var temp = new TempDirectory();
        WriteSplit(temp);

        var scan = DatasetScanner.Scan(temp.Path, DatasetLayout.FerPlus, "train");

        Assert.Equal(["fer0000000.png", "fer0000001.png", "fer0000005.png"], scan.Images.Select(i => Path.GetFileName(i.Path)));
        Assert.Equal([6, 3, 1], scan.Images.Select(i => i.Label));

        // Canonical order: Surprise, Fear, Disgust, Happiness, Sadness, Anger, Neutral.
        Assert.Equal([0f, 0, 2, 0, 1, 3, 4], scan.Images[0].Votes);
        Assert.Equal([0f, 6, 0, 0, 0, 0, 1], scan.Images[2].Votes);
    }

    [Fact]
    public void The_cache_holds_each_face_s_vote_distribution_and_batches_carry_it()
    {
        using var temp = new TempDirectory();
        WriteSplit(temp);
        var images = DatasetScanner.Scan(temp.Path, DatasetLayout.FerPlus, "train").Images;
        var preprocessor = new Fer.Inference.Preprocessing.ImagePreprocessor(new Fer.Inference.Models.ModelInput { Size = 16 });

        var cache = ImageCache.Build(images, preprocessor);
        using var batch = BatchLoader.Make(cache, preprocessor, [0, 1, 2], AugmentationOptions.None, new Random(1));

        Assert.NotNull(cache.Targets);
        Assert.Equal([0f, 0, 0.2f, 0, 0.1f, 0.3f, 0.4f], cache.Targets!.Take(7));
        Assert.Equal([3L, 7L], batch.Targets!.shape);
        Assert.Equal(0.9f, batch.Targets[1][3].item<float>(), 5);
        Assert.Equal(0.6f / 0.7f, batch.Targets[2][1].item<float>(), 5);
    }

    [Fact]
    public void Images_without_votes_give_no_targets()
    {
        using var temp = new TempDirectory();
        MiniatureDataset.WriteFolders(temp.Path, "train", perClass: 1, size: 16, seed: 1);
        var images = DatasetScanner.Scan(temp.Path, DatasetLayout.Folders, "train").Images;

        var cache = ImageCache.Build(images, new Fer.Inference.Preprocessing.ImagePreprocessor(new Fer.Inference.Models.ModelInput { Size = 16 }));

        Assert.Null(cache.Targets);
    }

    [Fact]
    public void A_listed_image_that_is_missing_is_reported_by_name()
    {
        using var temp = new TempDirectory();
        var folder = WriteSplit(temp);
        File.Delete(Path.Combine(folder, "fer0000001.png"));

        var scan = DatasetScanner.Scan(temp.Path, DatasetLayout.FerPlus, "train");

        Assert.Equal(2, scan.Images.Count);
        Assert.Equal(Path.Combine("train", "fer0000001.png"), Assert.Single(scan.MissingFiles));
    }

    [Theory]
    [InlineData("fer0000000.png,\"(0, 0, 48, 48)\",4,0,0,1,3,2,0,0,0", "line 1")]             // nine votes
    [InlineData("fer0000000.png,\"(0, 0, 48, 48)\",4,0,0,1,x,2,0,0,0,0", "line 1")]           // not a number
    [InlineData("../secret.png,\"(0, 0, 48, 48)\",4,0,0,1,3,2,0,0,0,0", "line 1")]            // leaves the folder
    [InlineData("fer0000000.png,4,0,0,1,3,2,0,0,0,0", "line 1")]                              // no box
    public void A_malformed_line_is_an_error_naming_the_file_and_line(string line, string expected)
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(temp.Path, "val"));
        File.WriteAllLines(Path.Combine(temp.Path, "val", FerPlusLabels.FileName), [line]);

        var error = Assert.Throws<InvalidDataException>(() => DatasetScanner.Scan(temp.Path, DatasetLayout.FerPlus, "val"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(FerPlusLabels.FileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_split_without_label_csv_says_what_the_layout_expects()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(temp.Path, "val"));

        var error = Assert.Throws<FileNotFoundException>(() => DatasetScanner.Scan(temp.Path, DatasetLayout.FerPlus, "val"));

        Assert.Contains("layout 'ferplus'", error.Message, StringComparison.Ordinal);
        Assert.False(DatasetScanner.SplitExists(temp.Path, DatasetLayout.FerPlus, "val"));
    }

    [Fact]
    public void A_short_run_on_votes_learns_and_records_the_votes_layout()
    {
        using var temp = new TempDirectory();
        var folder = Path.Combine(temp.Path, "train");
        Directory.CreateDirectory(folder);
        var random = new Random(7);
        var lines = new List<string>();
        for (var i = 0; i < 7 * 16; i++)
        {
            var label = i % 7;
            var name = $"fer{i:D7}.png";
            using var bitmap = MiniatureDataset.Draw(label, 32, random);
            File.WriteAllBytes(Path.Combine(folder, name), MiniatureDataset.Encode(bitmap, ".png"));

            // Eight votes for the drawn class, two spread over its neighbour: soft but clear.
            var votes = new int[10];
            var column = Array.IndexOf(CanonicalToColumn, label);
            votes[column] = 8;
            votes[(column + 1) % 7] = 2;
            lines.Add($"{name},\"(0, 0, 48, 48)\",{string.Join(',', votes)}");
        }

        File.WriteAllLines(Path.Combine(folder, FerPlusLabels.FileName), lines);
        var options = TrainingTests.Options(temp.Path, stage2Epochs: 5) with { Data = new DataOptions { Root = temp.Path, Layout = DatasetLayout.FerPlus, ValidationFromTrain = 0.25 } };
        var trainer = new Trainer(options, temp.File("run"), TextWriter.Null);
        Directory.CreateDirectory(temp.File("run"));
        var plan = DataPlan.Build(options.Data);
        var train = ImageCache.Build(plan.Train, trainer.Preprocessor);
        var validation = ImageCache.Build(plan.Validation, trainer.Preprocessor);

        var (model, _) = trainer.Train(train, validation);
        using (model)
        {
            var result = TorchEvaluator.Evaluate(model, validation, trainer.Preprocessor, TorchSharp.torch.CPU);
            Assert.NotNull(train.Targets);
            Assert.True(result.Accuracy >= 0.6, $"validation accuracy {result.Accuracy:F3}"); // chance: 0.14
        }
    }

    /// <summary>The FER+ column of each canonical class (the inverse of the reader's mapping).</summary>
    private static readonly int[] CanonicalToColumn = [2, 6, 5, 1, 3, 4, 0];
}
