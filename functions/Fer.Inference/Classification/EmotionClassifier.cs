using Fer.Inference.Models;
using Fer.Inference.Preprocessing;

namespace Fer.Inference.Classification;

/// <summary>
/// Classifies face images with one verified model version: the manifest's preprocessing, one ONNX
/// Runtime session (shared, thread-safe), softmax in C#. Bad images become rejected results, never exceptions.
/// </summary>
public sealed class EmotionClassifier : IDisposable
{
    /// <summary>The most concurrent single-image requests joined into one ONNX Runtime call.</summary>
    private const int MaxCoalescedBatch = 8;

    private readonly ModelVersionFolder folder;
    private readonly ImagePreprocessor preprocessor;
    private readonly RequestCoalescer coalescer;

    public EmotionClassifier(ModelVersionFolder folder, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        this.folder = folder;
        preprocessor = new ImagePreprocessor(folder.Manifest.Input, limits);
        coalescer = new RequestCoalescer(ClassifyBatch, MaxCoalescedBatch);
    }

    public ModelManifest Manifest => folder.Manifest;

    public string Version => folder.Manifest.Version;

    public string ExecutionProvider => folder.Session.ExecutionProvider;

    /// <summary>Opens, verifies and loads a model version folder.</summary>
    public static EmotionClassifier Open(string directory, ImageLimits? limits = null, string executionProvider = "cpu", int intraOpThreads = 0, Action<string>? warn = null, string graphOptimization = "all") =>
        new(ModelVersionFolder.Open(directory, intraOpThreads, executionProvider, warn, graphOptimization), limits);

    public ClassificationResult Classify(ReadOnlyMemory<byte> image) => ClassifyBatch([image])[0];

    /// <summary>
    /// Classifies one image; concurrent calls share ONNX Runtime calls (see <see cref="RequestCoalescer"/>),
    /// which is how concurrent function invocations get batched.
    /// </summary>
    public Task<ClassificationResult> ClassifyAsync(ReadOnlyMemory<byte> image) => coalescer.ClassifyAsync(image);

    /// <summary>ONNX Runtime calls made for <see cref="ClassifyAsync"/>, and the images they took.</summary>
    public (long Calls, long Images) CoalescingStatistics => coalescer.Statistics;

    /// <summary>Classifies several images with one ONNX Runtime call; the results are in input order.</summary>
    public IReadOnlyList<ClassificationResult> ClassifyBatch(IReadOnlyList<ReadOnlyMemory<byte>> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var results = new ClassificationResult?[images.Count];
        var tensors = new float[images.Count][];
        var sizes = new (int Width, int Height)[images.Count];
        Parallel.For(0, images.Count, i =>
        {
            try
            {
                var prepared = preprocessor.Prepare(images[i].Span, out var width, out var height);
                var tensor = new float[preprocessor.TensorLength];
                preprocessor.Normalize(prepared, tensor);
                tensors[i] = tensor;
                sizes[i] = (width, height);
            }
            catch (ImageRejectedException e)
            {
                results[i] = ClassificationResult.Rejected(e.Code, e.Message, Version);
            }
        });

        var valid = Enumerable.Range(0, images.Count).Where(i => results[i] is null).ToList();
        if (valid.Count > 0)
        {
            var input = new float[valid.Count * preprocessor.TensorLength];
            for (var k = 0; k < valid.Count; k++)
            {
                tensors[valid[k]].CopyTo(input, k * preprocessor.TensorLength);
            }

            var logits = folder.Session.Run(input, valid.Count);
            var classes = folder.Session.ClassCount;
            for (var k = 0; k < valid.Count; k++)
            {
                var i = valid[k];
                results[i] = FromLogits(logits.AsSpan(k * classes, classes), sizes[i]);
            }
        }

        return results!;
    }

    /// <summary>Numerically stable softmax, in double.</summary>
    public static double[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = double.NegativeInfinity;
        foreach (var value in logits)
        {
            max = Math.Max(max, value);
        }

        var exps = new double[logits.Length];
        var sum = 0.0;
        for (var i = 0; i < logits.Length; i++)
        {
            exps[i] = Math.Exp(logits[i] - max);
            sum += exps[i];
        }

        for (var i = 0; i < exps.Length; i++)
        {
            exps[i] /= sum;
        }

        return exps;
    }

    public void Dispose()
    {
        coalescer.Dispose();
        folder.Dispose();
    }

    private ClassificationResult FromLogits(ReadOnlySpan<float> logits, (int Width, int Height) size)
    {
        var probabilities = Softmax(logits);
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++)
        {
            if (probabilities[c] > probabilities[best])
            {
                best = c;
            }
        }

        var labels = folder.Manifest.Labels;
        return new ClassificationResult
        {
            Status = ClassificationStatus.Classified,
            Emotion = labels[best],
            Confidence = probabilities[best],
            Scores = labels.Select((label, c) => (label, c)).ToDictionary(x => x.label, x => probabilities[x.c]),
            Width = size.Width,
            Height = size.Height,
            ModelVersion = Version,
        };
    }
}
