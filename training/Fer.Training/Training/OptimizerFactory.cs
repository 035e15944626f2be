using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.Training.Training;

/// <summary>Builds the optimiser a run asks for over the parameters a stage trains.</summary>
internal static class OptimizerFactory
{
    public static OptimizerHelper Create(TrainingOptions options, IList<Parameter> parameters, double learningRate) => options.Optimizer switch
    {
        OptimizerKind.Adam => optim.Adam(parameters, lr: learningRate, weight_decay: options.WeightDecay),
        OptimizerKind.AdamW => optim.AdamW(parameters, lr: learningRate, weight_decay: options.WeightDecay),
        OptimizerKind.Sgd => optim.SGD(parameters, learningRate, momentum: options.Momentum, weight_decay: options.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimiser."),
    };

    public static string OptionName(this OptimizerKind kind) => kind.ToString().ToLowerInvariant();
}
