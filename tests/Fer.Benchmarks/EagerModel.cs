using Fer.Inference.Models;
using Fer.Training.Model;

namespace Fer.Benchmarks;

/// <summary>The TorchSharp (eager) counterpart of an exported model, to time against ONNX Runtime.</summary>
internal static class EagerModel
{
    /// <summary>
    /// The manifest's architecture with seeded weights, in evaluation mode: speed depends on the architecture and the
    /// input size, not on the weight values.
    /// </summary>
    public static FerResNet FromManifest(ModelManifest manifest)
    {
        var model = FerModelFactory.Create(new FerModelOptions
        {
            Depth = ResNetDepthExtensions.ParseArchitectureName(manifest.Architecture.Backbone),
            Cbam = CbamPlacementExtensions.ParseOptionName(manifest.Architecture.Cbam),
        }, 7);
        model.eval();
        return model;
    }
}
