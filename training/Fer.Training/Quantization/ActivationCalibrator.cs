using Fer.Inference;
using Fer.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Fer.Training.Quantization;

/// <summary>
/// Measures the ranges of a float model's activations on real inputs: a copy of the model that also returns each
/// tensor to observe as a graph output runs in ONNX Runtime, and every value seen widens that tensor's range.
/// </summary>
public static class ActivationCalibrator
{
    /// <param name="samples">Model inputs, one sample each ([C,H,W] for an image model), as serving would prepare them.</param>
    /// <param name="sampleShape">The shape of one sample; the batch dimension is added in front.</param>
    /// <param name="progress">Called after each batch with the samples done so far.</param>
    public static Dictionary<string, TensorRange> Measure(
        OnnxModelFile model, IReadOnlyList<string> tensors, IEnumerable<float[]> samples, int[] sampleShape, int batchSize = 16, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(sampleShape);
        var observed = model.Clone();
        var outputs = observed.Graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        observed.Graph.Outputs.AddRange(tensors.Where(outputs.Add).Select(name => OnnxValueInfo.OfFloatTensor(name)));
        var inputName = observed.Graph.Inputs.Select(i => i.Name).Except(observed.Graph.Initializers.Select(t => t.Name)).Single();

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(observed.ToBytes(), options);
        var ranges = tensors.Distinct(StringComparer.Ordinal).ToDictionary(name => name, _ => TensorRange.Empty, StringComparer.Ordinal);
        var sampleLength = sampleShape.Aggregate(1, (a, b) => a * b);
        var done = 0;
        foreach (var batch in samples.Chunk(batchSize))
        {
            var pixels = new float[batch.Length * sampleLength];
            for (var i = 0; i < batch.Length; i++)
            {
                if (batch[i].Length != sampleLength)
                {
                    throw new ArgumentException($"A calibration sample has {batch[i].Length} values; the shape [{string.Join(',', sampleShape)}] needs {sampleLength}.", nameof(samples));
                }

                batch[i].CopyTo(pixels, i * sampleLength);
            }

            var input = new DenseTensor<float>(pixels, [batch.Length, .. sampleShape]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, input)], ranges.Keys.ToList());
            foreach (var result in results)
            {
                ranges[result.Name] = ranges[result.Name].Union(TensorRange.Of(((DenseTensor<float>)result.AsTensor<float>()).Buffer.Span));
            }

            done += batch.Length;
            progress?.Invoke(done);
        }

        return done > 0 ? ranges : throw new FerException("No calibration samples were given: the --data split or the --photos folders hold no usable images.");
    }
}
