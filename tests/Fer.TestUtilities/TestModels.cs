using Fer.Inference.Models;
using Fer.Training.Export;
using Fer.Training.Model;

namespace Fer.Testing;

/// <summary>Small random-weight models exported with the real exporter, for tests that need a model to serve.</summary>
public static class TestModels
{
    /// <summary>Exports a ResNet-18 (no CBAM) at <paramref name="size"/> px; different seeds give different versions.</summary>
    public static ModelManifest Export(string directory, long seed, int size = 48, string color = "rgb")
    {
        using var model = FerModelFactory.Create(new FerModelOptions { Depth = ResNetDepth.ResNet18, Cbam = CbamPlacement.None }, seed);
        return ModelVersionWriter.Write(model, directory, new ModelInput { Size = size, Color = color }, new TrainingInfo { Dataset = "none (test model)" }, DateTimeOffset.UnixEpoch.AddDays(seed));
    }
}
