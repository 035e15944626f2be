using TorchSharp;

namespace Fer.Training.Model;

/// <summary>Builds models reproducibly.</summary>
public static class FerModelFactory
{
    /// <summary>A freshly initialised model; the same seed and options give the same weights.</summary>
    public static FerResNet Create(FerModelOptions options, long seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        return new FerResNet(options, generator);
    }
}
