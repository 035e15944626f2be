using System.Diagnostics;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Storage;

namespace Fer.Benchmarks;

/// <summary>
/// Process start to the first answers, split into model download, session creation (the classifier, then the face
/// detector and landmarker that photos need) and the first runs (a face crop, then a photo of four faces), for one
/// choice of files. The first measured runs before anything else is warm; a later one finds the runtime and ONNX
/// Runtime's native library loaded.
/// </summary>
internal static class ColdStartBenchmark
{
    /// <summary>The "cold_start_ms" note: milliseconds of each stage and the served ONNX file's size in bytes.</summary>
    public static async Task<object> RunAsync(ModelStore models, string downloadDirectory, string face, string photo, string precision, string detectorPrecision)
    {
        var sinceProcessStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var clock = Stopwatch.StartNew();
        var pointer = await models.GetPointerAsync();
        var folder = await models.DownloadAsync(pointer!.Version, downloadDirectory, precision);
        var download = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var version = ModelVersionFolder.Open(folder, precision: precision);
        var session = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        using var detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory, precision: detectorPrecision);
        using var landmarker = FaceLandmarker.Load(FerOptions.DefaultFaceLandmarksDirectory);
        var photoSessions = clock.Elapsed.TotalMilliseconds;
        using var cold = new EmotionClassifier(version, faces: new FaceLocator(FaceFinding.Detect, detector, landmarker: landmarker));
        clock.Restart();
        cold.Classify(File.ReadAllBytes(face));
        var firstRun = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        cold.ClassifyPhotos([File.ReadAllBytes(photo)]);
        var firstPhoto = clock.Elapsed.TotalMilliseconds;
        return new
        {
            precision,
            detector_precision = detectorPrecision,
            process_start_to_ready = sinceProcessStart.TotalMilliseconds + download + session + firstRun,
            runtime_and_azurite_start = sinceProcessStart.TotalMilliseconds,
            model_download = download,
            session_creation = session,
            first_run = firstRun,
            model_bytes = new FileInfo(Path.Combine(folder, version.Onnx.File)).Length,
            detector_and_landmarks_sessions = photoSessions,
            first_photo = firstPhoto,
            detector_bytes = new FileInfo(Path.Combine(FerOptions.DefaultFaceDetectorDirectory, detector.OnnxFile)).Length,
        };
    }
}
