using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;

namespace Fer.Training.Cli;

/// <summary>
/// An exported model opened as serving opens it: for face crops, or for photos with the face detector and landmarks
/// shipped beside fer-train (as <c>fer classify</c> finds faces). Optionally with a changed manifest, for tuning.
/// </summary>
internal sealed class ServingClassifier : IDisposable
{
    private readonly FaceDetector? detector;
    private readonly FaceLandmarker? landmarker;
    private readonly string? temporaryCopy;

    /// <param name="precision">Which ONNX file of the classifier runs (<see cref="ModelPrecision"/>), as serving's Fer:ModelPrecision.</param>
    /// <param name="detectorPrecision">Which ONNX file of the face detector runs, as serving's Fer:FaceDetectorPrecision.</param>
    public ServingClassifier(string modelDirectory, bool photos, Func<ModelManifest, ModelManifest>? change = null, string precision = ModelPrecision.Default, string detectorPrecision = ModelPrecision.Fp32)
    {
        if (change is not null)
        {
            // The classifier reads its settings from the folder, so a changed manifest needs a folder of its own.
            temporaryCopy = Directory.CreateTempSubdirectory("fer-evaluate-").FullName;
            var manifest = change(ModelManifest.Load(Path.Combine(modelDirectory, ModelManifest.FileName)));
            var onnx = manifest.Onnx.Choose(precision).File;
            File.Copy(Path.Combine(modelDirectory, onnx), Path.Combine(temporaryCopy, onnx));
            File.WriteAllText(Path.Combine(temporaryCopy, ModelManifest.FileName), manifest.ToJson());
        }

        if (photos)
        {
            detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory, precision: detectorPrecision);
            landmarker = FaceLandmarker.LoadIfPresent(FerOptions.DefaultFaceLandmarksDirectory, message => Console.Error.WriteLine($"fer-train: warning: {message}"));
        }

        Classifier = EmotionClassifier.Open(temporaryCopy ?? modelDirectory, precision: precision, faces: _ => photos
            ? new FaceLocator(FaceFinding.Detect, detector, landmarker: landmarker)
            : new FaceLocator(FaceFinding.WholeImage, null));
    }

    public EmotionClassifier Classifier { get; }

    public void Dispose()
    {
        Classifier.Dispose();
        detector?.Dispose();
        landmarker?.Dispose();
        if (temporaryCopy is not null)
        {
            Directory.Delete(temporaryCopy, recursive: true);
        }
    }
}
