using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Testing;

namespace Fer.Inference.Tests;

/// <summary>
/// The sample photos as users upload them (progressive JPEGs, not face-api's reduced PNGs) keep every face through the
/// faster photo path (tile plan, the faces' region decode), with either detector file.
/// </summary>
public sealed class SamplePhotoFacesTests
{
    [Theory]
    [InlineData("group_10mpx", ModelPrecision.Fp32, 31)]
    [InlineData("biden_7mpx", ModelPrecision.Fp32, 1)]
    [InlineData("obama_family", ModelPrecision.Fp32, 4)]
    [InlineData("group_10mpx", ModelPrecision.Integer8, 31)]
    [InlineData("biden_7mpx", ModelPrecision.Integer8, 1)]
    [InlineData("obama_family", ModelPrecision.Integer8, 4)]
    public void Every_face_of_a_sample_photo_is_found(string name, string detectorPrecision, int faces)
    {
        using var detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory, precision: detectorPrecision);
        using var landmarker = FaceLandmarker.Load(FerOptions.DefaultFaceLandmarksDirectory);
        var photo = File.ReadAllBytes(Path.Combine(FaceApiReference.RepositoryRoot, "samples", "photos", name + ".jpg"));

        // The demo model's crop (margin -0.2) at its 64 px input, as serving cuts it.
        var found = new FaceLocator(FaceFinding.Detect, detector, landmarker: landmarker).Locate(photo, 64, new FaceCropGeometry { Margin = -0.2 });

        Assert.Equal(faces, found.Faces.Count);
        Assert.All(found.Faces, face => Assert.True(face.Crop.Width >= 64 || face.Crop.Width == (int)Math.Round(0.6 * Math.Max(face.Box.Width, face.Box.Height))));
    }
}
