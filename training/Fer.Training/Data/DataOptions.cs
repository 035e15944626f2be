namespace Fer.Training.Data;

/// <summary>Where the data is and how to split it.</summary>
public sealed record DataOptions
{
    public required string Root { get; init; }

    public DatasetLayout Layout { get; init; } = DatasetLayout.Folders;

    public string TrainSplit { get; init; } = "train";

    /// <summary>A second split to carve validation (and test) from; rafdb's default is "test", split 50/50 as the seed did.</summary>
    public string? HeldOutSplit { get; init; }

    /// <summary>A split folder used whole as validation (--val-from val): e.g. FER2013's raw PublicTest faces.</summary>
    public string? ValidationSplit { get; init; }

    /// <summary>Fraction of train to hold out for validation when there is no usable second split (--val-from train:F).</summary>
    public double? ValidationFromTrain { get; init; }

    /// <summary>Fraction of train to hold out as a test set never used for training or model selection (--test-from train:F).</summary>
    public double? TestFromTrain { get; init; }

    public int SplitSeed { get; init; } = 42;

    /// <summary>Use only this many training images (stratified, seeded): for quick trials.</summary>
    public int? LimitTrain { get; init; }
}
