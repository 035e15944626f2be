using Fer.FaceApiPort;
using Fer.Inference.FaceDetection;
using Fer.Testing;

namespace Fer.FaceApiPort.Tests;

/// <summary>face-api's landmark net built from its TF.js weights and exported once for all the tests of a class.</summary>
public sealed class FaceLandmarksExportFixture : IDisposable
{
    private readonly TempDirectory temp = new();

    public FaceLandmarksExportFixture()
    {
        var (model, files) = FaceLandmarksFolderWriter.LoadModel(FaceApiReference.WeightsDirectory);
        Model = model;
        Manifest = FaceLandmarksFolderWriter.Write(model, FaceApiReference.WeightsDirectory, files, temp.Path);
    }

    public FaceLandmark68Net Model { get; }

    public FaceLandmarksManifest Manifest { get; }

    public string Directory => temp.Path;

    public string OnnxPath => temp.File(Manifest.Onnx.File);

    public void Dispose()
    {
        Model.Dispose();
        temp.Dispose();
    }
}
