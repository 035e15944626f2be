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

    /// <summary>
    /// All fp32 first (its timings keep the names of runs before int8 existed), then the int8 classifier with the fp32
    /// detector (serving's defaults), then both int8.
    /// </summary>
    public static List<Timing> RunAll(string photosDirectory, string modelDirectory, int runs) =>
    [
        .. Run(photosDirectory, modelDirectory, runs, ModelPrecision.Fp32, ModelPrecision.Fp32),
        .. Run(photosDirectory, modelDirectory, runs, ModelPrecision.Integer8, ModelPrecision.Fp32),
        .. Run(photosDirectory, modelDirectory, runs, ModelPrecision.Integer8, ModelPrecision.Integer8),
    ];

    /// <summary>
    /// Times each photo of <paramref name="photosDirectory"/> that exists with the classifier file of
    /// <paramref name="precision"/> and the detector file of <paramref name="detectorPrecision"/> (fp32 where a folder has
    /// no int8 file), prints them side by side and returns every timing.
    /// </summary>
    public static List<Timing> Run(string photosDirectory, string modelDirectory, int runs, string precision, string detectorPrecision)
    {
        using var detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory, precision: detectorPrecision);
        using var landmarker = FaceLandmarker.Load(FerOptions.DefaultFaceLandmarksDirectory);
        var aligning = new FaceLocator(FaceFinding.Detect, detector, landmarker: landmarker);
        using var aligned = new EmotionClassifier(ModelVersionFolder.Open(modelDirectory, precision: precision), faces: aligning);
        using var upright = new EmotionClassifier(ModelVersionFolder.Open(modelDirectory, precision: precision), faces: new FaceLocator(FaceFinding.Detect, detector));
        using var classifier = ModelVersionFolder.Open(modelDirectory, precision: precision);
        var photo = (precision, detectorPrecision) switch
        {
            (ModelPrecision.Fp32, ModelPrecision.Fp32) => "photo",
            (_, ModelPrecision.Fp32) => $"photo {precision} classifier",
            _ => $"photo {precision}",
        };
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
            var size = aligned.Manifest.Input.Size;
            var faces = aligning.Locate(bytes, size, aligned.Manifest.Input.CropGeometry).Faces.Count;
            var detected = aligning.Detect(reduced, width, height);
            var row = new List<Timing>
            {
                Timing.Run($"{photo} {name}: {faces} face(s), end to end, aligned", 1, 1, runs, () => aligned.ClassifyPhotos([bytes])),
                Timing.Run($"{photo} {name}: end to end, upright", 1, 1, runs, () => upright.ClassifyPhotos([bytes])),
                Timing.Run($"{photo} {name}: decode {reduced.Width}x{reduced.Height} for detection", 1, 1, runs, () => ImageDecoder.DecodeReduced(bytes, null, FaceLocator.DetectionLongSide, out _, out _)),
                Timing.Run($"{photo} {name}: whole-image pass", 1, 1, runs, () => detector.Detect(reduced)),
                Timing.Run($"{photo} {name}: detection (whole image and tiles)", 1, 1, runs, () => aligning.Detect(reduced, width, height)),
                Timing.Run($"{photo} {name}: landmarks of {detected.Count} face(s)", 1, 1, runs, () => landmarker.LocateAll(reduced, detected)),
                Timing.Run($"{photo} {name}: locate, aligned", 1, 1, runs, () => aligning.Locate(bytes, aligned.Manifest.Input.Size, aligned.Manifest.Input.CropGeometry)),
                Timing.Run($"{photo} {name}: classifier call for {faces} face(s)", faces, 1, runs, () => classifier.Session.Run(new float[faces * 3 * size * size], faces)),
            };
            timings.AddRange(row);
            // What the stages above leave of locate: the crops' decode and the crops themselves.
            var crops = row[6].MedianMs - row[4].MedianMs - row[5].MedianMs - row[2].MedianMs;
            table.Add(string.Create(CultureInfo.InvariantCulture, $"{name,-14} {faces,5} {string.Join(" ", row.Select(timing => $"{timing.MedianMs,9:F1}"))} {crops,9:F1}"));
        }

        Console.WriteLine($"Photos end to end from encoded bytes, classifier {classifier.Onnx.File}, detector {detector.OnnxFile}, medians of {runs} runs in ms, load {CpuInfo.LoadAverage()}.");
        Console.WriteLine("Stages of the aligned path: decode for");
        Console.WriteLine("detection; whole-image pass; detection = whole-image pass + tiles; landmarks; locate = all of these + the crops'");
        Console.WriteLine("decode and crops; end to end = locate + the faces' preprocessing and one classifier call (the call alone:");
        Console.WriteLine("classify); crops = locate - decode - detect - landmarks (the crops' decode and cutting).");
        Console.WriteLine($"{"photo",-14} {"faces",5} {"aligned",9} {"upright",9} {"decode",9} {"whole",9} {"detect",9} {"landmarks",9} {"locate",9} {"classify",9} {"crops",9}");
        table.ForEach(Console.WriteLine);
        return timings;
    }
}
