using Fer.Inference.Models;
using Fer.Inference.Preprocessing;

namespace Fer.Inference.FaceDetection;

/// <summary>
/// Finds the 68 landmarks of a detected face with face-api's <c>faceLandmark68Net</c>, exported to ONNX (a face
/// landmark folder: face-landmarks.json and the graph), through ONNX Runtime only. Pre- and post-processing are
/// face-api's, so the points match the original running in Node (see tools/face-reference). Thread-safe.
/// </summary>
public sealed class FaceLandmarker : IDisposable
{
    private readonly OnnxLogitsSession session;

    private FaceLandmarker(FaceLandmarksManifest manifest, OnnxLogitsSession session)
    {
        Manifest = manifest;
        this.session = session;
    }

    public FaceLandmarksManifest Manifest { get; }

    /// <summary>Loads and verifies a face landmark folder: size and SHA-256 of the graph, and its input and output.</summary>
    public static FaceLandmarker Load(string directory, int intraOpThreads = 0, string executionProvider = "cpu", Action<string>? warn = null)
    {
        var manifest = FaceLandmarksManifest.Load(Path.Combine(directory, FaceLandmarksManifest.FileName));
        var onnxPath = Path.Combine(directory, manifest.Onnx.File);
        FolderFile.Verify(directory, onnxPath, manifest.Onnx.Bytes, manifest.Onnx.Sha256, FaceLandmarksManifest.FileName);

        var session = new OnnxLogitsSession(onnxPath, intraOpThreads, executionProvider, warn);
        var width = manifest.Output.Points * 2;
        if (session.ImageSize != manifest.Input.Size || session.InputName != manifest.Input.Name
            || session.OutputName != manifest.Output.Name || session.ClassCount != width)
        {
            session.Dispose();
            throw new InvalidModelException(directory, $"the graph takes '{session.InputName}' at {session.ImageSize} px and gives '{session.OutputName}' of width {session.ClassCount}; "
                + $"the manifest says '{manifest.Input.Name}' at {manifest.Input.Size} px and '{manifest.Output.Name}' of width {width}");
        }

        return new FaceLandmarker(manifest, session);
    }

    /// <summary>
    /// The landmarker of <paramref name="directory"/>, or none with one warning when the folder has no manifest:
    /// faces are then classified upright rather than not at all. A folder that is there but broken still throws.
    /// </summary>
    public static FaceLandmarker? LoadIfPresent(string directory, Action<string> warn, int intraOpThreads = 0, string executionProvider = "cpu")
    {
        ArgumentNullException.ThrowIfNull(warn);
        if (!File.Exists(Path.Combine(directory, FaceLandmarksManifest.FileName)))
        {
            warn($"No face landmark folder at {directory} ({FaceLandmarksManifest.FileName} missing): faces are cut upright, not aligned by the eyes.");
            return null;
        }

        return Load(directory, intraOpThreads, executionProvider, warn);
    }

    /// <summary>The landmarks of <paramref name="face"/> (a box in <paramref name="image"/>'s pixels), in the image's pixels; none when the box lies outside the image.</summary>
    public IReadOnlyList<LandmarkPoint> Locate(RgbImage image, DetectedFace face) => LocateAll(image, [face])[0];

    /// <summary>The landmarks of every face of one image, in one ONNX Runtime call; none for a box outside the image.</summary>
    public IReadOnlyList<IReadOnlyList<LandmarkPoint>> LocateAll(RgbImage image, IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        var crops = faces.Select(face => LandmarkCrop.Of(face, image.Width, image.Height)).ToList();
        var inside = Enumerable.Range(0, faces.Count).Where(i => !crops[i].IsEmpty).ToList();
        var results = new IReadOnlyList<LandmarkPoint>[faces.Count];
        Array.Fill(results, []);
        if (inside.Count == 0)
        {
            return results;
        }

        var input = Manifest.Input;
        var plane = 3 * input.Size * input.Size;
        var pixels = new float[inside.Count * plane];
        for (var n = 0; n < inside.Count; n++)
        {
            CentredSquareInput.CropPadResizeAndNormalise(image, crops[inside[n]], input.Size, input.MeanRgb, input.Divisor).CopyTo(pixels, n * plane);
        }

        var output = session.Run(pixels, inside.Count);
        var width = Manifest.Output.Points * 2;
        for (var n = 0; n < inside.Count; n++)
        {
            var i = inside[n];
            results[i] = ToPixels(output.AsSpan(n * width, width), crops[i], faces[i], input.Size);
        }

        return results;
    }

    /// <summary>
    /// face-api's mapping back (<c>FaceLandmark68NetBase.postProcess</c>, float32 as in TF.js): v * S, minus the centring
    /// padding in the S-pixel square, divided by the crop's side in that square gives 0..1 of the crop; that times the
    /// floored crop size plus the detector's unfloored box x, y (<c>shiftBy</c>) gives image pixels.
    /// </summary>
    private static LandmarkPoint[] ToPixels(ReadOnlySpan<float> output, LandmarkCrop crop, DetectedFace face, int size)
    {
        var scale = (double)size / Math.Max(crop.Width, crop.Height);
        var (scaledWidth, scaledHeight) = (crop.Width * scale, crop.Height * scale);
        var padX = (float)(crop.Width < crop.Height ? Math.Abs(scaledWidth - scaledHeight) / 2 : 0);
        var padY = (float)(crop.Height < crop.Width ? Math.Abs(scaledWidth - scaledHeight) / 2 : 0);
        var points = new LandmarkPoint[output.Length / 2];
        for (var i = 0; i < points.Length; i++)
        {
            double relativeX = ((output[2 * i] * size) - padX) / (float)scaledWidth;
            double relativeY = ((output[(2 * i) + 1] * size) - padY) / (float)scaledHeight;
            points[i] = new LandmarkPoint((relativeX * crop.Width) + face.X, (relativeY * crop.Height) + face.Y);
        }

        return points;
    }

    public void Dispose() => session.Dispose();
}
