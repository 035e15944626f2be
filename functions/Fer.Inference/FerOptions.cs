using Fer.Inference.FaceDetection;

namespace Fer.Inference;

/// <summary>Settings of the serving side, bound from the configuration section "Fer".</summary>
public sealed class FerOptions
{
    public const string SectionName = "Fer";

    public string FacesContainer { get; set; } = "faces";

    public string ModelsContainer { get; set; } = "models";

    public string ResultsTable { get; set; } = "emotions";

    /// <summary>The batch of blobs uploaded at the root of the faces container.</summary>
    public string DefaultBatch { get; set; } = "default";

    /// <summary>How often the model pointer (fer/current.json) is checked for a new version.</summary>
    public TimeSpan ModelRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where downloaded model versions are kept; default: a folder under the system temp directory.</summary>
    public string? ModelCacheDirectory { get; set; }

    /// <summary>"cpu" (default) or "cuda" (falls back to CPU with one warning when CUDA cannot load).</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>
    /// ONNX Runtime's graph optimisation: "all" (default), "extended" (no layout transformation; the demo
    /// model runs about 1.25x faster with it on a 2-core CPU, ResNet-50 at 224 about 1.5x slower), "basic", "none".
    /// </summary>
    public string GraphOptimization { get; set; } = "all";

    /// <summary>
    /// Which ONNX file of the emotion model is run (<see cref="Models.ModelPrecision"/>): "int8" (default) runs the int8
    /// variant where the manifest lists one and the fp32 file elsewhere; "fp32" always runs the fp32 file.
    /// </summary>
    public string ModelPrecision { get; set; } = Models.ModelPrecision.Default;

    /// <summary>
    /// Which ONNX file of the face detector is run: "fp32" (default) or "int8" (its int8 variant, about twice as fast per
    /// pass). fp32 by default because the int8 detector moves boxes by a few per cent, which cost 1.1 points on
    /// taiwanese-dev through photos (training/results/int8).
    /// </summary>
    public string FaceDetectorPrecision { get; set; } = Models.ModelPrecision.Fp32;

    /// <summary>ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; set; }

    public long MaxImageBytes { get; set; } = 20L * 1024 * 1024;

    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>
    /// The most memory that images being decoded, searched for faces and cut into crops may take at once in this
    /// process, estimated from each header before decoding (<see cref="Preprocessing.DecodeBudget"/>); default 512 MiB,
    /// for a 2 GB Flex Consumption instance.
    /// </summary>
    public long MaxDecodedBytesInFlight { get; set; } = Preprocessing.DecodeBudget.DefaultCapacityBytes;

    /// <summary>
    /// The most bytes that HTTP request bodies (and the images the image route reads) may hold at once in this process,
    /// by Content-Length or counted while read; a request that does not fit is answered 503 <c>server-busy</c> with
    /// Retry-After. Default 256 MiB: twelve bodies at the 20 MB limit, beside <see cref="MaxDecodedBytesInFlight"/> on a 2 GB instance.
    /// </summary>
    public long MaxRequestBytesInFlight { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Join concurrent single-blob invocations into shared ONNX Runtime calls (default). Off, each
    /// invocation makes its own call: only for comparing the two.
    /// </summary>
    public bool CoalesceRequests { get; set; } = true;

    /// <summary>
    /// How faces are found: "detect", "whole-image" or "auto" (<see cref="Models.FaceFinding"/>). Unset: the serving
    /// model's manifest says (<c>input.faces</c>), and a manifest without it means "detect".
    /// </summary>
    public string? FaceFinding { get; set; }

    /// <summary>The face detector folder; default: <c>face-detector</c> beside the program (the build copies models/face-detector there).</summary>
    public string? FaceDetectorDirectory { get; set; }

    /// <summary>The face detector folder that ships beside the program.</summary>
    public static string DefaultFaceDetectorDirectory => Path.Combine(AppContext.BaseDirectory, "face-detector");

    /// <summary>The face landmark folder (eye alignment); default: <c>face-landmarks</c> beside the program. Missing: faces are not aligned.</summary>
    public string? FaceLandmarksDirectory { get; set; }

    /// <summary>
    /// The smallest face that matters, its box's longer side in the photo's pixels: the detector's tiles are sized so that
    /// such a face reaches the size the detector finds reliably, and a photo whose faces are all larger needs none. Unset:
    /// tiles for wide or large photos only, the rule that finds every face of the sample photos.
    /// </summary>
    public int? MinFaceSide { get; set; }

    /// <summary>The face landmark folder that ships beside the program.</summary>
    public static string DefaultFaceLandmarksDirectory => Path.Combine(AppContext.BaseDirectory, "face-landmarks");

    /// <summary>Images classified per ONNX Runtime call in batch processing.</summary>
    public int BatchSize { get; set; } = 8;
}
