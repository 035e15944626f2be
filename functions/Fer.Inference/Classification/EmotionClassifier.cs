using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;

namespace Fer.Inference.Classification;

/// <summary>
/// Classifies face images with one verified model version: the manifest's preprocessing, one ONNX
/// Runtime session (shared, thread-safe), softmax in C#. Bad images become rejected results, never exceptions.
/// </summary>
public sealed class EmotionClassifier : IDisposable
{
    /// <summary>The most concurrent single-photo requests joined into one ONNX Runtime call.</summary>
    private const int MaxCoalescedBatch = 8;

    /// <summary>The most faces per ONNX Runtime call: a photo of a crowd is classified in slices, bounding memory.</summary>
    private const int MaxFacesPerRun = 64;

    /// <summary>
    /// Images are decoded and searched one per core: more at once only wait for cores (and for the one ONNX Runtime run
    /// at a time) while each holds its decode and leaves buffers behind in another thread.
    /// </summary>
    private static readonly ParallelOptions OneImagePerCore = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    private readonly ModelVersionFolder folder;
    private readonly ImagePreprocessor preprocessor;
    private readonly FaceLocator faces;
    private readonly RequestCoalescer<IReadOnlyList<ClassificationResult>> coalescer;
    private int disposed;

    /// <param name="faces">How photos are searched for faces; default: each image is one face crop (whole-image).</param>
    public EmotionClassifier(ModelVersionFolder folder, ImageLimits? limits = null, FaceLocator? faces = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        this.folder = folder;
        preprocessor = new ImagePreprocessor(folder.Manifest.Input, limits);
        this.faces = faces ?? new FaceLocator(FaceFinding.WholeImage, null, limits);
        coalescer = new RequestCoalescer<IReadOnlyList<ClassificationResult>>(ClassifyPhotos, MaxCoalescedBatch);
    }

    public ModelManifest Manifest => folder.Manifest;

    public string Version => folder.Manifest.Version;

    public string ExecutionProvider => folder.Session.ExecutionProvider;

    /// <summary>How <see cref="ClassifyPhotos"/> finds faces: detect, whole-image or auto.</summary>
    public string FaceFindingMode => faces.Mode;

    /// <summary>Opens, verifies and loads a model version folder.</summary>
    public static EmotionClassifier Open(string directory, ImageLimits? limits = null, string executionProvider = "cpu", int intraOpThreads = 0, Action<string>? warn = null, string graphOptimization = "all", Func<ModelManifest, FaceLocator>? faces = null, string precision = ModelPrecision.Default)
    {
        var folder = ModelVersionFolder.Open(directory, intraOpThreads, executionProvider, warn, graphOptimization, precision);
        return new(folder, limits, faces?.Invoke(folder.Manifest));
    }

    /// <summary>Classifies one face crop (the whole image is the face).</summary>
    public ClassificationResult Classify(ReadOnlyMemory<byte> image) => ClassifyBatch([image])[0];

    /// <summary>
    /// Classifies one photo; concurrent calls share ONNX Runtime calls (see <see cref="RequestCoalescer{TResult}"/>),
    /// which is how concurrent function invocations get batched.
    /// </summary>
    public Task<IReadOnlyList<ClassificationResult>> ClassifyPhotoAsync(ReadOnlyMemory<byte> image) => coalescer.ClassifyAsync(image);

    /// <summary>ONNX Runtime calls made for <see cref="ClassifyPhotoAsync"/>, and the photos they took.</summary>
    public (long Calls, long Images) CoalescingStatistics => coalescer.Statistics;

    /// <summary>
    /// Classifies images that are face crops (FER2013 files; what <c>fer-train evaluate</c> measures), with one
    /// ONNX Runtime call; the results are in input order.
    /// </summary>
    public IReadOnlyList<ClassificationResult> ClassifyBatch(IReadOnlyList<ReadOnlyMemory<byte>> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var results = new ClassificationResult?[images.Count];
        var tensors = new float[]?[images.Count];
        var sizes = new (int Width, int Height)[images.Count];
        Parallel.For(0, images.Count, OneImagePerCore, i =>
        {
            try
            {
                tensors[i] = Tensor(preprocessor.Prepare(images[i].Span, out var width, out var height));
                sizes[i] = (width, height);
            }
            catch (ImageRejectedException e)
            {
                results[i] = ClassificationResult.Rejected(e.Code, e.Message, Version);
            }
#pragma warning disable CA1031 // Whatever one image throws is that image's answer; the others of the call go on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                results[i] = ProcessingFailed(e);
            }
        });

        var valid = Enumerable.Range(0, images.Count).Where(i => results[i] is null).ToList();
        var classified = Run([.. valid.Select(i => tensors[i]!)]);
        for (var k = 0; k < valid.Count; k++)
        {
            var size = sizes[valid[k]];
            results[valid[k]] = classified[k] with { Width = size.Width, Height = size.Height };
        }

        return results!;
    }

    /// <summary>
    /// Classifies photos: each image's faces are found as <see cref="FaceFindingMode"/> says, and the faces of all
    /// images go through ONNX Runtime together. Per image, in input order: one result per face, or one rejected
    /// result about the whole file (<c>no-face</c>, or why the file cannot be read).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<ClassificationResult>> ClassifyPhotos(IReadOnlyList<ReadOnlyMemory<byte>> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var located = new LocatedFaces?[images.Count];
        var aboutFile = new ClassificationResult?[images.Count];
        var tensors = new float[images.Count][][];
        Parallel.For(0, images.Count, OneImagePerCore, i =>
        {
            try
            {
                // The crops become tensors while their decode's memory is still reserved (see FaceLocator.Locate).
                (located[i], tensors[i]) = faces.Locate(images[i].Span, preprocessor.Size, found =>
                    (found, found.Faces.Select(face => Tensor(preprocessor.PrepareDecoded(face.Crop))).ToArray()), folder.Manifest.Input.CropGeometry);
                if (located[i]!.Faces.Count == 0)
                {
                    aboutFile[i] = ClassificationResult.Rejected(ImageErrorCodes.NoFace, "No face was found in the image.", Version)
                        with { FaceCount = 0, Width = located[i]!.Width, Height = located[i]!.Height };
                }
            }
            catch (ImageRejectedException e)
            {
                aboutFile[i] = ClassificationResult.Rejected(e.Code, e.Message, Version);
            }
#pragma warning disable CA1031 // Whatever one image throws is that image's answer; the others of the call go on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                aboutFile[i] = ProcessingFailed(e);
            }
        });

        var classified = Run([.. Enumerable.Range(0, images.Count).Where(i => aboutFile[i] is null).SelectMany(i => tensors[i])]);
        var results = new IReadOnlyList<ClassificationResult>[images.Count];
        var next = 0;
        for (var i = 0; i < images.Count; i++)
        {
            if (aboutFile[i] is { } answer)
            {
                results[i] = [answer];
                continue;
            }

            var image = located[i]!;
            results[i] = [.. image.Faces.Select((face, index) => classified[next + index] with
            {
                Width = image.Width,
                Height = image.Height,
                FaceIndex = index,
                FaceCount = image.Faces.Count,
                FacesTruncated = image.Truncated ? true : null,
                Box = face.Box,
                DetectionScore = face.DetectionScore,
                FaceSource = face.Source,

                // A tenth of a degree is well inside what the landmarks can tell.
                AlignedDegrees = face.AlignedDegrees is { } degrees ? Math.Round(degrees, 1) : null,
            })];
            next += image.Faces.Count;
        }

        return results;
    }

    /// <summary>Numerically stable softmax, in double, of the logits times <paramref name="scale"/> (1 / temperature).</summary>
    public static double[] Softmax(ReadOnlySpan<float> logits, double scale = 1)
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
            exps[i] = Math.Exp((logits[i] - max) * scale);
            sum += exps[i];
        }

        for (var i = 0; i < exps.Length; i++)
        {
            exps[i] /= sum;
        }

        return exps;
    }

    /// <summary>Whether this model version has been disposed (its ONNX Runtime session released); it cannot classify any more.</summary>
    public bool IsDisposed => Volatile.Read(ref disposed) != 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        coalescer.Dispose();
        folder.Dispose();
    }

    /// <summary>
    /// An image that threw something other than a rejection: <c>failed</c>, not <c>rejected</c>, because nothing shows the
    /// file can never be read (a decoder or detector bug, a passing shortage of memory), and failed rows are done again
    /// by the next pass over the batch while rejected ones are final.
    /// </summary>
    private ClassificationResult ProcessingFailed(Exception e) =>
        ClassificationResult.Failed(ImageErrorCodes.ProcessingFailed, $"The image could not be processed ({e.GetType().Name}: {e.Message}).", Version);

    private float[] Tensor(RgbImage prepared)
    {
        var tensor = new float[preprocessor.TensorLength];
        preprocessor.Normalize(prepared, tensor);
        return tensor;
    }

    /// <summary>Face tensors through ONNX Runtime, in slices of <see cref="MaxFacesPerRun"/>; a classified result per face, in order.</summary>
    private List<ClassificationResult> Run(IReadOnlyList<float[]> tensors)
    {
        var results = new List<ClassificationResult>(tensors.Count);
        var classes = folder.Session.ClassCount;
        foreach (var slice in tensors.Chunk(MaxFacesPerRun))
        {
            var input = new float[slice.Length * preprocessor.TensorLength];
            for (var k = 0; k < slice.Length; k++)
            {
                slice[k].CopyTo(input, k * preprocessor.TensorLength);
            }

            var logits = folder.Session.Run(input, slice.Length);
            for (var k = 0; k < slice.Length; k++)
            {
                results.Add(FromLogits(logits.AsSpan(k * classes, classes)));
            }
        }

        return results;
    }

    private ClassificationResult FromLogits(ReadOnlySpan<float> logits)
    {
        var output = folder.Manifest.Output;
        var probabilities = Softmax(logits, output.Scale);
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
            Uncertain = output.UncertainBelow is { } threshold ? probabilities[best] < threshold : null,
            Scores = labels.Select((label, c) => (label, c)).ToDictionary(x => x.label, x => probabilities[x.c]),
            ModelVersion = Version,
        };
    }
}
