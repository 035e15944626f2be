using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Fer.Inference.Models;

/// <summary>
/// Runs a Fer ONNX model on preprocessed NCHW float32 batches and returns raw logits.
/// One instance per model; ONNX Runtime sessions are safe to run from several threads.
/// </summary>
public sealed class OnnxLogitsSession : IDisposable
{
    private readonly InferenceSession session;

    /// <summary>
    /// Lets one run through at a time (with a set number of threads per run, as many as fill the cores). ONNX Runtime
    /// already spreads one run over every core, so concurrent runs only add activation buffers: eight tiled detections
    /// of 40-megapixel photos at once peaked at 684 MB working set, one at a time at 510 MB.
    /// </summary>
    private readonly SemaphoreSlim runs;

    /// <param name="executionProvider">"cpu", or "cuda": tried first, and on failure CPU with one call to <paramref name="warn"/>.</param>
    /// <param name="graphOptimization">ONNX Runtime's graph optimisation level: see <see cref="ParseGraphOptimization"/>.</param>
    public OnnxLogitsSession(string modelPath, int intraOpThreads = 0, string executionProvider = "cpu", Action<string>? warn = null, string graphOptimization = "all")
    {
        var level = ParseGraphOptimization(graphOptimization);
        var runsAtOnce = intraOpThreads > 0 ? Math.Max(1, Environment.ProcessorCount / intraOpThreads) : 1;
        runs = new SemaphoreSlim(runsAtOnce, runsAtOnce);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"ONNX model '{modelPath}' does not exist.", modelPath);
        }

        using var options = new SessionOptions
        {
            GraphOptimizationLevel = level,
            IntraOpNumThreads = intraOpThreads,
        };
        ExecutionProvider = "cpu";
        if (string.Equals(executionProvider, "cuda", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                options.AppendExecutionProvider_CUDA();
                ExecutionProvider = "cuda";
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                warn?.Invoke($"The CUDA execution provider could not be loaded ({e.Message}); running on CPU. " +
                             "CUDA needs the Microsoft.ML.OnnxRuntime.Gpu.Linux build, an NVIDIA driver and the CUDA 13 libraries.");
            }
        }

        try
        {
            session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load '{modelPath}': {e.Message}", e);
        }

        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
        {
            var counts = $"{session.InputMetadata.Count} inputs ({string.Join(", ", session.InputMetadata.Keys)}) and {session.OutputMetadata.Count} outputs ({string.Join(", ", session.OutputMetadata.Keys)})";
            session.Dispose();
            throw new InvalidDataException($"ONNX model '{modelPath}' has {counts}; one input and one output are expected.");
        }

        InputName = session.InputMetadata.Keys.Single();
        OutputName = session.OutputMetadata.Keys.Single();
        InputShape = session.InputMetadata[InputName].Dimensions;
        OutputShape = session.OutputMetadata[OutputName].Dimensions;
        if (InputShape.Count != 4)
        {
            session.Dispose();
            throw new InvalidDataException($"ONNX model '{modelPath}' input '{InputName}' is not 4-dimensional (NCHW).");
        }

        ImageSize = InputShape[3];
        ClassCount = OutputShape.Count > 0 ? OutputShape[^1] : 0;
    }

    /// <summary>"cpu" or "cuda": the provider the session actually runs on.</summary>
    public string ExecutionProvider { get; }

    public string InputName { get; }

    public string OutputName { get; }

    /// <summary>The input's dimensions as the graph declares them (-1 where dynamic, as the batch is).</summary>
    public IReadOnlyList<int> InputShape { get; }

    /// <summary>The output's dimensions as the graph declares them (-1 where dynamic).</summary>
    public IReadOnlyList<int> OutputShape { get; }

    public int ImageSize { get; }

    public int ClassCount { get; }

    public IReadOnlyDictionary<string, string> Metadata => session.ModelMetadata.CustomMetadataMap;

    /// <summary>Runs <paramref name="batch"/> images of shape [3,S,S] laid out one after the other; returns [batch, classes] logits.</summary>
    public float[] Run(ReadOnlyMemory<float> pixels, int batch)
    {
        var expected = (long)batch * 3 * ImageSize * ImageSize;
        if (pixels.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} floats for {batch} image(s) of 3x{ImageSize}x{ImageSize}, got {pixels.Length}.", nameof(pixels));
        }

        var tensor = new DenseTensor<float>(System.Runtime.InteropServices.MemoryMarshal.AsMemory(pixels), [batch, 3, ImageSize, ImageSize]);
        runs.Wait();
        try
        {
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(InputName, tensor)], [OutputName]);
            return results[0].AsEnumerable<float>().ToArray();
        }
        finally
        {
            runs.Release();
        }
    }

    /// <summary>
    /// "all" (default: every optimisation, including the NCHWc layout transformation that large inputs
    /// gain from), "extended" (without layout transformations: faster for small models on small inputs,
    /// measure yours with the benchmarks), "basic" or "none".
    /// </summary>
    public static GraphOptimizationLevel ParseGraphOptimization(string value) => value?.ToUpperInvariant() switch
    {
        "ALL" => GraphOptimizationLevel.ORT_ENABLE_ALL,
        "EXTENDED" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "BASIC" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "NONE" => GraphOptimizationLevel.ORT_DISABLE_ALL,
        _ => throw new FerException($"Graph optimisation '{value}' is not one of all, extended, basic, none (setting Fer:GraphOptimization)."),
    };

    public void Dispose()
    {
        session.Dispose();
        runs.Dispose();
    }
}
