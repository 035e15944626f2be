using Fer.Inference.FaceDetection;
using Fer.Inference.Models;

namespace Fer.FaceApiPort;

/// <summary>
/// Builds face-api's 68-point landmark net from its TF.js weights and writes a face landmark folder: the ONNX
/// graph, face-api's licence and face-landmarks.json. The output depends only on the weights, so exporting twice
/// gives the same bytes.
/// </summary>
public static class FaceLandmarksFolderWriter
{
    public const string OnnxFileName = "face_landmark_68.onnx";

    /// <summary>Reads the weights in <paramref name="weightsDirectory"/> (face-api's <c>model</c> folder) into a new module.</summary>
    /// <returns>The module in eval mode and the files read (the manifest, then its shards).</returns>
    public static (FaceLandmark68Net Model, IReadOnlyList<string> Files) LoadModel(string weightsDirectory)
    {
        if (!Directory.Exists(weightsDirectory))
        {
            throw new DirectoryNotFoundException($"Weights folder '{weightsDirectory}' does not exist; it is face-api's model folder (npm ci --prefix tools/face-reference).");
        }

        var weights = TfjsWeights.Load(Path.Combine(weightsDirectory, FaceLandmarkWeightLoader.ManifestFileName));
        var model = new FaceLandmark68Net();
        try
        {
            FaceLandmarkWeightLoader.Load(model, weights);
            model.eval();
            return (model, [FaceLandmarkWeightLoader.ManifestFileName, .. weights.Shards]);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <param name="files">The weight files read, relative to <paramref name="weightsDirectory"/>: recorded with their SHA-256.</param>
    public static FaceLandmarksManifest Write(FaceLandmark68Net model, string weightsDirectory, IReadOnlyList<string> files, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var origin = FaceDetectorFolderWriter.Origin(weightsDirectory, files, outputDirectory);
        var onnxPath = Path.Combine(outputDirectory, OnnxFileName);
        using (var stream = File.Create(onnxPath))
        {
            FaceLandmarksOnnx.Write(model, [
                new("name", "face-api-face-landmark-68"),
                new("weights", $"{origin.Package}@{origin.Version}"),
                new("licence", origin.Licence),
            ], stream);
        }

        var manifest = new FaceLandmarksManifest
        {
            Name = "face-api-face-landmark-68",
            Input = new FaceLandmarksInput { Name = FaceLandmarksOnnx.InputName, Size = FaceLandmark68Net.InputSize },
            Output = new FaceLandmarksOutput { Name = FaceLandmarksOnnx.OutputName, Points = FaceLandmark68Net.PointCount },
            Onnx = new OnnxFile { File = OnnxFileName, Sha256 = ModelVersionFolder.Sha256Of(onnxPath), Bytes = new FileInfo(onnxPath).Length },
            Weights = origin,
        };
        File.WriteAllText(Path.Combine(outputDirectory, FaceLandmarksManifest.FileName), manifest.ToJson() + "\n");
        return manifest;
    }
}
