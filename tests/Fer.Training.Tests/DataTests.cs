using Fer.Training.Data;

namespace Fer.Training.Tests;

public sealed class DataTests
{
    [Fact]
    public void Folders_layout_maps_class_folders_to_canonical_labels()
    {
        using var temp = new TempDirectory();
        MiniatureDataset.WriteFolders(temp.Path, "train", perClass: 3, size: 16, seed: 1);

        var scan = DatasetScanner.Scan(temp.Path, DatasetLayout.Folders, "train");

        Assert.Equal(21, scan.Images.Count);
        Assert.All(scan.Images.Where(i => i.Path.Contains("/happy/", StringComparison.Ordinal)), i => Assert.Equal(3, i.Label));
        Assert.All(scan.Images.Where(i => i.Path.Contains("/surprise/", StringComparison.Ordinal)), i => Assert.Equal(0, i.Label));
    }

    [Fact]
    public void An_unknown_class_folder_is_an_error_naming_it()
    {
        using var temp = new TempDirectory();
        MiniatureDataset.WriteFolders(temp.Path, "train", perClass: 1, size: 16, seed: 1);
        Directory.CreateDirectory(Path.Combine(temp.Path, "train", "contempt"));

        var error = Assert.Throws<InvalidDataException>(() => DatasetScanner.Scan(temp.Path, DatasetLayout.Folders, "train"));

        Assert.Contains("contempt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rafdb_layout_reports_listed_but_missing_files_by_name()
    {
        using var temp = new TempDirectory();
        var files = MiniatureDataset.WriteRafDb(temp.Path, "train", perClass: 4, size: 16, seed: 2);
        File.Delete(files[0]);
        File.Delete(files[9]);

        var scan = DatasetScanner.Scan(temp.Path, DatasetLayout.RafDb, "train");

        Assert.Equal(26, scan.Images.Count);
        Assert.Equal(2, scan.MissingFiles.Count);
        Assert.Contains(Path.GetFileName(files[0]), scan.MissingFiles[0], StringComparison.Ordinal);
        Assert.All(scan.Images, i => Assert.Equal(int.Parse(Path.GetFileName(Path.GetDirectoryName(i.Path))!, System.Globalization.CultureInfo.InvariantCulture) - 1, i.Label));
    }

    [Fact]
    public void Rafdb_plan_splits_test_5050_and_counts_duplicates_and_leakage()
    {
        using var temp = new TempDirectory();
        var train = MiniatureDataset.WriteRafDb(temp.Path, "train", perClass: 6, size: 16, seed: 3);
        var test = MiniatureDataset.WriteRafDb(temp.Path, "test", perClass: 4, size: 16, seed: 4);
        File.Copy(train[0], train[1], overwrite: true); // a duplicate within train
        File.Copy(train[2], test[0], overwrite: true);  // a test image identical to a training image

        var plan = DataPlan.Build(new DataOptions { Root = temp.Path, Layout = DatasetLayout.RafDb });

        Assert.Equal(41, plan.Train.Count);
        Assert.Equal(1, plan.Duplicates.TrainDuplicatesRemoved);
        Assert.Equal(14, plan.Validation.Count);
        Assert.Equal(14, plan.Test.Count);
        Assert.Equal(1, plan.Duplicates.LeakedIntoSplit["validation"] + plan.Duplicates.LeakedIntoSplit["test"]);
        Assert.Empty(plan.Validation.Select(i => i.Path).Intersect(plan.Test.Select(i => i.Path)));
    }

    [Fact]
    public void Folders_plan_removes_duplicates_before_carving_so_nothing_leaks()
    {
        using var temp = new TempDirectory();
        MiniatureDataset.WriteFolders(temp.Path, "train", perClass: 10, size: 16, seed: 5);
        var happy = Path.Combine(temp.Path, "train", "happy");
        for (var i = 1; i < 5; i++)
        {
            File.Copy(Path.Combine(happy, "img_000.png"), Path.Combine(happy, $"img_00{i}.png"), overwrite: true);
        }

        var plan = DataPlan.Build(new DataOptions { Root = temp.Path, ValidationFromTrain = 0.2, TestFromTrain = 0.2 });

        Assert.Equal(4, plan.Duplicates.TrainDuplicatesRemoved);
        Assert.Equal(66, plan.Train.Count + plan.Validation.Count + plan.Test.Count);
        Assert.Equal(0, plan.Duplicates.LeakedIntoSplit["validation"] + plan.Duplicates.LeakedIntoSplit["test"]);
        Assert.Equal(plan.Fingerprint, DataPlan.Build(new DataOptions { Root = temp.Path, ValidationFromTrain = 0.2, TestFromTrain = 0.2 }).Fingerprint);
    }

    [Fact]
    public void Stratified_split_keeps_class_proportions_and_is_reproducible()
    {
        var images = Enumerable.Range(0, 7).SelectMany(label => Enumerable.Range(0, 10 * (label + 1)).Select(i => new LabelledImage($"/d/{label}/{i:D3}.png", label))).ToList();

        var (remaining, taken) = StratifiedSplit.Split(images, 0.2, seed: 9);
        var (_, again) = StratifiedSplit.Split(images, 0.2, seed: 9);
        var (_, other) = StratifiedSplit.Split(images, 0.2, seed: 10);

        for (var label = 0; label < 7; label++)
        {
            Assert.Equal(2 * (label + 1), taken.Count(i => i.Label == label));
        }

        Assert.Equal(images.Count, remaining.Count + taken.Count);
        Assert.Empty(remaining.Intersect(taken));
        Assert.Equal(taken, again);
        Assert.NotEqual(taken, other);
    }

    [Fact]
    public void A_validation_folder_is_used_whole_and_train_is_not_carved()
    {
        using var temp = new TempDirectory();
        MiniatureDataset.WriteFolders(temp.Path, "train", perClass: 5, size: 16, seed: 5);
        MiniatureDataset.WriteFolders(temp.Path, "val", perClass: 2, size: 16, seed: 6);

        var plan = DataPlan.Build(new DataOptions { Root = temp.Path, ValidationSplit = "val" });

        Assert.Equal(35, plan.Train.Count);
        Assert.Equal(14, plan.Validation.Count);
        Assert.All(plan.Validation, i => Assert.Contains($"{Path.DirectorySeparatorChar}val{Path.DirectorySeparatorChar}", i.Path, StringComparison.Ordinal));
        Assert.Empty(plan.Test);
        Assert.Contains("validation: all of 'val'", plan.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_validation_folder_is_an_error_naming_it()
    {
        using var temp = new TempDirectory();
        MiniatureDataset.WriteFolders(temp.Path, "train", perClass: 2, size: 16, seed: 7);

        var error = Assert.Throws<DirectoryNotFoundException>(() => DataPlan.Build(new DataOptions { Root = temp.Path, ValidationSplit = "val" }));

        Assert.Contains($"{Path.DirectorySeparatorChar}val'", error.Message, StringComparison.Ordinal);
    }
}
