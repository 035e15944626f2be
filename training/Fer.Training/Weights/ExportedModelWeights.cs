using Fer.Onnx;
using static TorchSharp.torch;

namespace Fer.Training.Weights;

/// <summary>
/// Reads the weights back out of a model this project exported: the ONNX exporter names every
/// initializer by its state-dict key, so a model folder can start a new run (fine-tuning further
/// from a published model when its run directory and checkpoints are gone).
/// </summary>
public static class ExportedModelWeights
{
    /// <summary>The float initializers of <paramref name="onnxPath"/> by name; shape tensors (int64) are left out.</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string onnxPath)
    {
        var graph = OnnxModelReader.Read(onnxPath);
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var constant in graph.Constants.Values.Where(c => c.Values.Length > 0))
        {
            state[constant.Name] = tensor(constant.Values, constant.Dims);
        }

        return state;
    }
}
