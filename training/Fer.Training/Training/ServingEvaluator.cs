using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Training.Data;

namespace Fer.Training.Training;

/// <summary>One evaluated image: its true label and what serving answered.</summary>
public sealed record ServingPrediction(LabelledImage Image, ClassificationResult Result);

/// <summary>
/// Classifies labelled images with <see cref="EmotionClassifier"/>, the object serving uses: the same
/// checks, preprocessing, batching and softmax. This is what <c>fer-train evaluate</c> measures.
/// </summary>
public static class ServingEvaluator
{
    /// <summary>Each image as one face crop (FER2013 and FER+ files).</summary>
    public static IReadOnlyList<ServingPrediction> Classify(EmotionClassifier classifier, IReadOnlyList<LabelledImage> images, int batchSize = 32, Action<int>? progress = null) =>
        InChunks(classifier, images, batchSize, progress, (c, chunk) => c.ClassifyBatch(chunk));

    /// <summary>
    /// Each image as a photo, through the serving path (detection, alignment, the manifest's crop): the answer is the
    /// largest face's (the person photographed), or the file's rejection (<c>no-face</c>) when none was found.
    /// </summary>
    public static IReadOnlyList<ServingPrediction> ClassifyPhotos(EmotionClassifier classifier, IReadOnlyList<LabelledImage> images, int batchSize = 8, Action<int>? progress = null) =>
        InChunks(classifier, images, batchSize, progress, (c, chunk) => [.. c.ClassifyPhotos(chunk).Select(Largest)]);

    public static int LabelIndex(ClassificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return EmotionLabels.FromFolderName(result.Emotion ?? throw new ArgumentException("The image was not classified.", nameof(result)));
    }

    /// <summary>The result's probabilities in canonical label order.</summary>
    public static double[] Probabilities(ClassificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var probabilities = new double[EmotionLabels.Count];
        foreach (var (label, score) in result.Scores)
        {
            probabilities[EmotionLabels.FromFolderName(label)] = score;
        }

        return probabilities;
    }

    private static ClassificationResult Largest(IReadOnlyList<ClassificationResult> faces) =>
        faces.MaxBy(face => face.Box is { } box ? (double)box.Width * box.Height : -1)!;

    private static List<ServingPrediction> InChunks(
        EmotionClassifier classifier, IReadOnlyList<LabelledImage> images, int batchSize, Action<int>? progress,
        Func<EmotionClassifier, IReadOnlyList<ReadOnlyMemory<byte>>, IReadOnlyList<ClassificationResult>> classify)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(images);
        var predictions = new List<ServingPrediction>(images.Count);
        for (var start = 0; start < images.Count; start += batchSize)
        {
            var chunk = images.Skip(start).Take(batchSize).ToList();
            var results = classify(classifier, [.. chunk.Select(i => (ReadOnlyMemory<byte>)File.ReadAllBytes(i.Path))]);
            predictions.AddRange(chunk.Zip(results, (image, result) => new ServingPrediction(image, result)));
            progress?.Invoke(predictions.Count);
        }

        return predictions;
    }
}
