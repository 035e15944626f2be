using System.Text.Json.Serialization;
using Fer.Inference.Models;
using Fer.Training.Data;
using Fer.Training.Model;
using Fer.Training.Weights;

namespace Fer.Training.Training;

/// <summary>Which validation metric early stopping and best-checkpoint selection watch.</summary>
public enum MonitorMetric
{
    ValidationAccuracy,
    ValidationLoss,
}

/// <summary>Learning-rate schedule within a stage.</summary>
public enum LearningRateSchedule
{
    /// <summary>Constant, as the seed.</summary>
    Constant,

    /// <summary>Cosine decay from the stage's rate to zero over the stage's epochs, per step.</summary>
    Cosine,
}

/// <summary>How the loss weighs classes of different sizes.</summary>
public enum ClassWeighting
{
    /// <summary>Every image counts the same, as the seed.</summary>
    None,

    /// <summary>Class c weighs (n / (K n_c))^0.5: rare classes count more, without the noise of full balancing.</summary>
    Sqrt,

    /// <summary>Class c weighs n / (K n_c): every class contributes as if all were the same size.</summary>
    Balanced,
}

/// <summary>The optimiser of both stages.</summary>
public enum OptimizerKind
{
    /// <summary>Adam with L2 weight decay added to the gradient, as the seed.</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter).</summary>
    [JsonStringEnumMemberName("adamw")] // as on the command line, not the naming policy's "adamW"
    AdamW,

    /// <summary>Stochastic gradient descent with momentum, the usual choice for training ResNets from scratch.</summary>
    Sgd,
}

/// <summary>Every setting of a training run; the defaults are the seed's recipe.</summary>
public sealed record TrainingOptions
{
    public required DataOptions Data { get; init; }

    public FerModelOptions Model { get; init; } = new();

    public int ImageSize { get; init; } = 224;

    public string Color { get; init; } = "rgb";

    /// <summary>torchvision's ImageNet normalisation, the seed's.</summary>
    public static IReadOnlyList<float> TorchvisionMean { get; } = [0.485f, 0.456f, 0.406f];

    public static IReadOnlyList<float> TorchvisionStd { get; } = [0.229f, 0.224f, 0.225f];

    public IReadOnlyList<float> Mean { get; init; } = TorchvisionMean;

    public IReadOnlyList<float> Std { get; init; } = TorchvisionStd;

    /// <summary>The manifest's input.equalize: null (none) or "histogram".</summary>
    public string? Equalize { get; init; }

    public ClassWeighting ClassWeighting { get; init; } = ClassWeighting.None;

    /// <summary>The preprocessing these options train with, as the exported manifest states it.</summary>
    public ModelInput ToModelInput() => new()
    {
        Size = ImageSize,
        Color = Color,
        Mean = Mean,
        Std = Std,
        Equalize = Equalize,
    };

    public AugmentationOptions Augmentation { get; init; } = new();

    public int BatchSize { get; init; } = 32;

    /// <summary>Stage 1: backbone frozen; head (and CBAM unless <see cref="ReportExact"/>) trained.</summary>
    public int Stage1Epochs { get; init; } = 10;

    public double Stage1LearningRate { get; init; } = 1e-3;

    /// <summary>Stage 2: everything trained.</summary>
    public int Stage2Epochs { get; init; } = 70;

    public double Stage2LearningRate { get; init; } = 1e-5;

    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Momentum of <see cref="OptimizerKind.Sgd"/>; Adam and AdamW ignore it.</summary>
    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; }

    public double LabelSmoothing { get; init; }

    public int Patience { get; init; } = 10;

    public MonitorMetric Monitor { get; init; } = MonitorMetric.ValidationAccuracy;

    /// <summary>Reproduce the student report's recipe exactly, including CBAM frozen at its random initialisation through stage 1.</summary>
    public bool ReportExact { get; init; }

    /// <summary>The name <see cref="ReportExact"/> had in schema 1 run files (<c>seed_exact</c>): read, never written.</summary>
    [JsonInclude]
    [JsonPropertyName("seed_exact")]
    private bool LegacySeedExact { init => ReportExact = value; }

    public long Seed { get; init; } = 42;

    public string? Weights { get; init; }

    [JsonConverter(typeof(WeightFormatJsonConverter))]
    public WeightFormat WeightsFormat { get; init; } = WeightFormat.Torchvision;

    public string Device { get; init; } = "cpu";

    /// <summary>0: all cores.</summary>
    public int Threads { get; init; }
}
