using System.Globalization;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;

namespace Fer.Benchmarks;

/// <summary>
/// Photos end to end from encoded bytes, as the functions and <c>fer classify</c> get them (detector and landmarker
/// loaded as they load them), with and without eye alignment, and the detection stages timed on their own.
/// </summary>
internal static class PhotoBenchmarks
{
    private static readonly string[] Names = ["group_10mpx", "biden_7mpx", "obama_family"];

    /// <summary>Times each photo of <paramref name="photosDirectory"/> that exists, prints them side by side and returns every timing.</summary>
    public static List<Timing> Run(string photosDirectory, string modelDirectory, int runs)
    {
        using var detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory);
        using var landmarker = FaceLandmarker.Load(FerOptions.DefaultFaceLandmarksDirectory);
        var aligning = new FaceLocator(FaceFinding.Detect, detector, landmarker: landmarker);
        using var aligned = new EmotionClassifier(ModelVersionFolder.Open(modelDirectory), faces: aligning);
        using var upright = new EmotionClassifier(ModelVersionFolder.Open(modelDirectory), faces: new FaceLocator(FaceFinding.Detect, detector));
        var timings = new List<Timing>();
        var table = new List<string>();
        foreach (var name in Names)
        {
            var path = Path.Combine(photosDirectory, name + ".jpg");
            if (!File.Exists(path))
            {
                continue;
            }

            var bytes = File.ReadAllBytes(path);
            var reduced = ImageDecoder.DecodeReduced(bytes, null, FaceLocator.DetectionLongSide, out var width, out var height);
            var faces = aligning.Locate(bytes, aligned.Manifest.Input.Size).Faces.Count;
            var detected = aligning.Detect(reduced, width, height);
            var row = new List<Timing>
            {
                Timing.Run($"photo {name}: {faces} face(s), end to end, aligned", 1, 1, runs, () => aligned.ClassifyPhotos([bytes])),
                Timing.Run($"photo {name}: end to end, upright", 1, 1, runs, () => upright.ClassifyPhotos([bytes])),
                Timing.Run($"photo {name}: decode {reduced.Width}x{reduced.Height} for detection", 1, 1, runs, () => ImageDecoder.DecodeReduced(bytes, null, FaceLocator.DetectionLongSide, out _, out _)),
                Timing.Run($"photo {name}: whole-image pass", 1, 1, runs, () => detector.Detect(reduced)),
                Timing.Run($"photo {name}: detection (whole image and tiles)", 1, 1, runs, () => aligning.Detect(reduced, width, height)),
                Timing.Run($"photo {name}: landmarks of {detected.Count} face(s)", 1, 1, runs, () => landmarker.LocateAll(reduced, detected)),
                Timing.Run($"photo {name}: locate, aligned", 1, 1, runs, () => aligning.Locate(bytes, aligned.Manifest.Input.Size)),
            };
            timings.AddRange(row);
            table.Add(string.Create(CultureInfo.InvariantCulture, $"{name,-14} {faces,5} {string.Join(" ", row.Select(timing => $"{timing.MedianMs,9:F1}"))}"));
        }

        Console.WriteLine($"Photos end to end from encoded bytes, medians of {runs} runs in ms. Stages of the aligned path: decode for");
        Console.WriteLine("detection; whole-image pass; detection = whole-image pass + tiles; landmarks; locate = all of these + the crops'");
        Console.WriteLine("decode and crops; end to end = locate + the faces' preprocessing and one classifier call.");
        Console.WriteLine($"{"photo",-14} {"faces",5} {"aligned",9} {"upright",9} {"decode",9} {"whole",9} {"detect",9} {"landmarks",9} {"locate",9}");
        table.ForEach(Console.WriteLine);
        return timings;
    }
}
