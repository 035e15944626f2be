using System.Diagnostics;
using System.Text.Json;
using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;

namespace Fer.Inference.Tests;

/// <summary>
/// The test assembly run as a program (<c>dotnet Fer.Inference.Tests.dll classify-concurrently MODEL FILE...</c>), so that
/// a test can measure a process's peak working set with nothing else in it: the files are classified at once through
/// <see cref="EmotionClassifier.ClassifyPhotoAsync"/>, the path a blob-triggered invocation takes (concurrent calls
/// joined into one), with the face detector and landmarks as the function app loads them. Prints one JSON object.
/// </summary>
internal static class ConcurrentClassificationProgram
{
    public const string Command = "classify-concurrently";

    public static async Task<int> Main(string[] args)
    {
        if (args is not [Command, var model, .. var files] || files.Length == 0)
        {
            await Console.Error.WriteLineAsync($"usage: {Command} MODEL_DIR FILE...");
            return 2;
        }

        using var detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory);
        using var landmarker = FaceLandmarker.Load(FerOptions.DefaultFaceLandmarksDirectory);
        using var classifier = EmotionClassifier.Open(model, faces: _ => new FaceLocator(FaceFinding.Detect, detector, landmarker: landmarker));
        var images = files.Select(File.ReadAllBytes).ToList();
        using var process = Process.GetCurrentProcess();
        var beforeBytes = process.WorkingSet64;
        var results = await Task.WhenAll(images.Select(image => classifier.ClassifyPhotoAsync(image)));
        process.Refresh();
        Console.WriteLine(JsonSerializer.Serialize(new ConcurrentClassificationReport(
            process.PeakWorkingSet64, beforeBytes, [.. results.Select(r => $"{r[0].Status}/{r[0].ErrorCode}")], classifier.CoalescingStatistics.Calls)));
        return 0;
    }
}

/// <summary>What <see cref="ConcurrentClassificationProgram"/> prints: the peak, the working set before classifying, each file's first result, the model calls.</summary>
internal sealed record ConcurrentClassificationReport(long PeakWorkingSetBytes, long WorkingSetBeforeBytes, IReadOnlyList<string> Results, long ModelCalls);
