using System.Security.Cryptography;
using System.Text;

namespace Fer.Training.Data;

/// <summary>The train, validation and test image lists of a run, with what was found on the way.</summary>
public sealed record DataPlan
{
    public required IReadOnlyList<LabelledImage> Train { get; init; }

    public required IReadOnlyList<LabelledImage> Validation { get; init; }

    public required IReadOnlyList<LabelledImage> Test { get; init; }

    public required IReadOnlyList<string> MissingFiles { get; init; }

    public required DuplicateReport Duplicates { get; init; }

    /// <summary>SHA-256 over (split, relative path, MD5, label) of every image used.</summary>
    public required string Fingerprint { get; init; }

    public required string Description { get; init; }

    public static DataPlan Build(DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var trainScan = DatasetScanner.Scan(options.Root, options.Layout, options.TrainSplit);
        var missing = trainScan.MissingFiles.ToList();
        var description = new List<string> { $"{options.Layout.ToString().ToLowerInvariant()} data in '{Path.GetFileName(Path.GetFullPath(options.Root))}'" };
        var heldOutSplit = options.HeldOutSplit ?? (options.Layout == DatasetLayout.RafDb ? "test" : null);
        var heldOut = heldOutSplit is not null && options.ValidationFromTrain is null && options.ValidationSplit is null
            ? DatasetScanner.Scan(options.Root, options.Layout, heldOutSplit)
            : null;
        var validationScan = options.ValidationSplit is { } validationSplit ? DatasetScanner.Scan(options.Root, options.Layout, validationSplit) : null;
        missing.AddRange(heldOut?.MissingFiles ?? []);
        missing.AddRange(validationScan?.MissingFiles ?? []);

        var md5 = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        Parallel.ForEach(trainScan.Images.Concat(heldOut?.Images ?? []).Concat(validationScan?.Images ?? []), image => md5[image.Path] = DuplicateReport.Md5Of(image.Path));

        // De-duplicate before carving, so that no copy of a training image lands in validation or test.
        var train = DuplicateReport.Deduplicate(trainScan.Images, md5, out var removed);
        IReadOnlyList<LabelledImage> validation;
        IReadOnlyList<LabelledImage> test = [];
        if (heldOut is not null)
        {
            // The seed's protocol: the second split, stratified 50/50 into validation and test.
            (validation, test) = StratifiedSplit.Split(heldOut.Images, 0.5, options.SplitSeed);
            description.Add($"validation and test: '{heldOutSplit}' split 50/50, stratified, seed {options.SplitSeed}");
        }
        else
        {
            if (options.TestFromTrain is { } testFraction)
            {
                (train, test) = StratifiedSplit.Split(train, testFraction, options.SplitSeed);
                description.Add($"test: {testFraction:P0} of '{options.TrainSplit}', stratified, seed {options.SplitSeed}");
            }

            if (validationScan is not null)
            {
                validation = validationScan.Images;
                description.Add($"validation: all of '{options.ValidationSplit}'");
            }
            else
            {
                var validationFraction = options.ValidationFromTrain ?? 0.1;
                (train, validation) = StratifiedSplit.Split(train, validationFraction / (1 - (options.TestFromTrain ?? 0)), options.SplitSeed + 1);
                description.Add($"validation: {validationFraction:P0} of '{options.TrainSplit}', stratified, seed {options.SplitSeed + 1}");
            }
        }

        description.Add($"{removed} byte-identical duplicate(s) removed from '{options.TrainSplit}' first");
        if (options.LimitTrain is { } limit && limit < train.Count)
        {
            (_, train) = StratifiedSplit.Split(train, (double)limit / train.Count, options.SplitSeed + 2);
            description.Add($"train limited to {train.Count} images");
        }

        return new DataPlan
        {
            Train = train,
            Validation = validation,
            Test = test,
            MissingFiles = missing,
            Duplicates = new DuplicateReport
            {
                TrainDuplicatesRemoved = removed,
                LeakedIntoSplit = new Dictionary<string, int>
                {
                    ["validation"] = DuplicateReport.CountLeaked(train, validation, md5),
                    ["test"] = DuplicateReport.CountLeaked(train, test, md5),
                },
            },
            Fingerprint = ComputeFingerprint(options.Root, train, validation, test, md5),
            Description = string.Join("; ", description),
        };
    }

    private static string ComputeFingerprint(string root, IReadOnlyList<LabelledImage> train, IReadOnlyList<LabelledImage> validation, IReadOnlyList<LabelledImage> test, System.Collections.Concurrent.ConcurrentDictionary<string, string> md5)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (split, images) in new[] { ("train", train), ("validation", validation), ("test", test) })
        {
            foreach (var image in images)
            {
                hash.AppendData(Encoding.UTF8.GetBytes($"{split}\t{Path.GetRelativePath(root, image.Path).Replace('\\', '/')}\t{md5[image.Path]}\t{image.Label}\n"));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
