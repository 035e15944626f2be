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
    public static IReadOnlyList<ServingPrediction> Classify(EmotionClassifier classifier, IReadOnlyList<LabelledImage> images, int batchSize = 32, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(images);
        var predictions = new List<ServingPrediction>(images.Count);
        for (var start = 0; start < images.Count; start += batchSize)
        {
            var chunk = images.Skip(start).Take(batchSize).ToList();
            var results = classifier.ClassifyBatch(chunk.Select(i => (ReadOnlyMemory<byte>)File.ReadAllBytes(i.Path)).ToList());
            predictions.AddRange(chunk.Zip(results, (image, result) => new ServingPrediction(image, result)));
            progress?.Invoke(predictions.Count);
        }

        return predictions;
    }

    public static int LabelIndex(ClassificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return EmotionLabels.FromFolderName(result.Emotion ?? throw new ArgumentException("The image was not classified.", nameof(result)));
    }
}
