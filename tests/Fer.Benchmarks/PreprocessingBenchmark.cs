using Fer.Inference.Models;
using Fer.Inference.Preprocessing;

namespace Fer.Benchmarks;

/// <summary>Preprocessing on its own: decode, resize to 224 and normalise, for a small crop and a large photo.</summary>
internal static class PreprocessingBenchmark
{
    public static List<Timing> Run(string photosDirectory, int runs)
    {
        var small = SyntheticJpeg.Encode(100, 100);
        var photo = Path.Combine(photosDirectory, "biden_7mpx.jpg");
        var large = File.Exists(photo) ? File.ReadAllBytes(photo) : SyntheticJpeg.Encode(2400, 3000);
        var preprocessor = new ImagePreprocessor(new ModelInput { Size = 224 });
        var tensor = new float[preprocessor.TensorLength];
        return
        [
            Timing.Run("preprocess 100x100 JPEG -> 224", 1, 20, runs * 10, () => preprocessor.Preprocess(small, tensor)),
            Timing.Run("preprocess 2400x3000 JPEG -> 224", 1, 2, runs, () => preprocessor.Preprocess(large, tensor)),
        ];
    }
}
