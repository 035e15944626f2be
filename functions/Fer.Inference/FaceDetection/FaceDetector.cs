using System.Buffers.Binary;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// Finds faces with face-api's SSD MobileNet v1, exported to ONNX (a face detector folder: face-detector.json, the
/// ONNX graph and its anchors), through ONNX Runtime only. Pre- and post-processing are face-api's, so the boxes
/// and scores match the original running in Node (see tools/face-reference). Safe to call from several threads.
/// </summary>
public sealed class FaceDetector : IDisposable
{
    private readonly OnnxLogitsSession session;
    private readonly float[] anchors;

    private FaceDetector(FaceDetectorManifest manifest, string onnxFile, OnnxLogitsSession session, float[] anchors)
    {
        Manifest = manifest;
        OnnxFile = onnxFile;
        this.session = session;
        this.anchors = anchors;
    }

    public FaceDetectorManifest Manifest { get; }

    /// <summary>The ONNX file the detector runs: the manifest's fp32 file or the variant the precision chose.</summary>
    public string OnnxFile { get; }

    public string ExecutionProvider => session.ExecutionProvider;

    /// <summary>Loads and verifies a face detector folder: sizes and SHA-256 of its files, and the graph's input and output.</summary>
    /// <param name="precision">Which ONNX file to run (<see cref="ModelPrecision"/>): fp32 (default), or int8 when the manifest lists it.</param>
    public static FaceDetector Load(string directory, int intraOpThreads = 0, string executionProvider = "cpu", Action<string>? warn = null, string precision = ModelPrecision.Fp32)
    {
        var manifest = FaceDetectorManifest.Load(Path.Combine(directory, FaceDetectorManifest.FileName));
        var onnx = manifest.Onnx.Choose(precision);
        var onnxPath = Path.Combine(directory, onnx.File);
        var anchorsPath = Path.Combine(directory, manifest.Anchors.File);
        FolderFile.Verify(directory, onnxPath, onnx.Bytes, onnx.Sha256, FaceDetectorManifest.FileName);
        FolderFile.Verify(directory, anchorsPath, manifest.Anchors.Bytes, manifest.Anchors.Sha256, FaceDetectorManifest.FileName);

        var session = new OnnxLogitsSession(onnxPath, intraOpThreads, executionProvider, warn);
        if (session.ImageSize != manifest.Input.Size || session.InputName != manifest.Input.Name
            || session.OutputName != manifest.Output.Name || session.ClassCount != 7)
        {
            session.Dispose();
            throw new InvalidModelException(directory, $"the graph takes '{session.InputName}' at {session.ImageSize} px and gives '{session.OutputName}' of width {session.ClassCount}; "
                + $"the manifest says '{manifest.Input.Name}' at {manifest.Input.Size} px and '{manifest.Output.Name}' of width 7");
        }

        return new FaceDetector(manifest, onnx.File, session, ReadAnchors(anchorsPath));
    }

    /// <summary>The faces in <paramref name="image"/>, best score first, with boxes in its pixels.</summary>
    public IReadOnlyList<DetectedFace> Detect(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var input = Manifest.Input;
        var pixels = TfLegacyBilinear.PadResizeAndScale(image, input.Size, input.Divisor, input.Subtract);
        var predictions = session.Run(pixels, 1);
        var decoding = Manifest.Decoding;
        var (boxes, scores) = SsdBoxDecoder.Decode(predictions, anchors, decoding);
        var kept = FaceApiNonMaxSuppression.Select(boxes, scores, decoding.MaxResults, decoding.IouThreshold, decoding.ScoreThreshold);
        return [.. kept.Select(index => ToPixels(boxes, index, scores[index], image.Width, image.Height, input.Size))];
    }

    /// <summary>
    /// face-api's mapping back to pixels: the box is clipped to 0..1, stretched by S / round(side * S / L) (the share
    /// of the square the image covers, rounded to whole pixels of the S x S input, which is why this is not exactly
    /// v * L), then multiplied by the image's width or height.
    /// </summary>
    private static DetectedFace ToPixels(float[] boxes, int index, float score, int width, int height, int size)
    {
        var longest = (double)Math.Max(width, height);
        var padX = size / CoveredPixels(width, longest, size);
        var padY = size / CoveredPixels(height, longest, size);
        var top = Math.Max(0, (double)boxes[index * 4]) * padY;
        var left = Math.Max(0, (double)boxes[(index * 4) + 1]) * padX;
        var bottom = Math.Min(1.0, boxes[(index * 4) + 2]) * padY;
        var right = Math.Min(1.0, boxes[(index * 4) + 3]) * padX;
        return new DetectedFace(left * width, top * height, (right - left) * width, (bottom - top) * height, score);
    }

    /// <summary>
    /// round(side * S / L) with JavaScript's Math.round (halves go up). face-api divides by it; for a side under half a
    /// pixel of the input (a 2000x1 line) that is 0 and its boxes would be infinite, so it is at least 1 here.
    /// </summary>
    private static double CoveredPixels(int side, double longest, int size) => Math.Max(1, Math.Floor((side * (size / longest)) + 0.5));

    private static float[] ReadAnchors(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return values;
    }

    public void Dispose() => session.Dispose();
}
