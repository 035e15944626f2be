using Fer.FaceApiPort;
using Fer.Inference.FaceDetection;
using Fer.Testing;

namespace Fer.FaceApiPort.Tests;

/// <summary>face-api's detector built from its TF.js weights and exported once for all the tests of a class.</summary>
public sealed class FaceDetectorExportFixture : IDisposable
{
    private readonly TempDirectory temp = new();

    public FaceDetectorExportFixture()
    {
        var (model, anchors, files) = FaceDetectorFolderWriter.LoadModel(FaceApiReference.WeightsDirectory);
        Model = model;
        Manifest = FaceDetectorFolderWriter.Write(model, anchors, FaceApiReference.WeightsDirectory, files, temp.Path);
    }

    public SsdMobileNetV1 Model { get; }

    public FaceDetectorManifest Manifest { get; }

    public string Directory => temp.Path;

    public string OnnxPath => temp.File(Manifest.Onnx.File);

    public void Dispose()
    {
        Model.Dispose();
        temp.Dispose();
    }
}
