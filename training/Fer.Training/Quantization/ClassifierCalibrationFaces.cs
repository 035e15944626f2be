using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Training.Data;

namespace Fer.Training.Quantization;

/// <summary>
/// Calibration inputs for a classifier: face crops of a training split, each turned into the model's input tensor by
/// serving's own <see cref="ImagePreprocessor"/> from the manifest's input settings (what <c>fer-train evaluate</c>
/// and serving feed the model).
/// </summary>
public static class ClassifierCalibrationFaces
{
    /// <summary>A seeded random choice of <paramref name="count"/> images of the split (all when it has fewer).</summary>
    public static IReadOnlyList<string> Choose(string dataRoot, DatasetLayout layout, string split, int count, int seed)
    {
        var images = DatasetScanner.Scan(dataRoot, layout, split).Images;
        if (images.Count == 0)
        {
            throw new InvalidDataException($"The {split} split of '{dataRoot}' holds no images to calibrate on.");
        }

        return [.. images.Select(i => i.Path).OrderBy(p => p, StringComparer.Ordinal).ToArray().Shuffled(seed).Take(count)];
    }

    /// <summary>The model input of each file, prepared lazily (one at a time, as calibration consumes them).</summary>
    public static IEnumerable<float[]> Tensors(ModelInput input, IEnumerable<string> files)
    {
        var preprocessor = new ImagePreprocessor(input);
        foreach (var file in files)
        {
            var tensor = new float[preprocessor.TensorLength];
            preprocessor.Preprocess(File.ReadAllBytes(file), tensor);
            yield return tensor;
        }
    }

    private static T[] Shuffled<T>(this T[] items, int seed)
    {
        new Random(seed).Shuffle(items);
        return items;
    }
}
