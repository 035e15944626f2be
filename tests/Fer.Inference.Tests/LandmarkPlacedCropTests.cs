using System.Text.Json;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Testing;

namespace Fer.Inference.Tests;

/// <summary>
/// Faces cut by their landmarks (<c>input.crop.landmarks</c>): a square sized by the eyes-to-mouth distance and centred
/// between eyes and mouth, so that the crop follows the face rather than the detector's box.
/// </summary>
public sealed class LandmarkPlacedCropTests
{
    /// <summary>A crop size no face reaches: crops are cut from the full-resolution decode, in its pixels.</summary>
    private const int FullResolution = 100_000;

    /// <summary>68 points with both eyes' centres at (40, 50) and (60, 50) and the mouth's at (50, 80).</summary>
    private static List<LandmarkPoint> Points()
    {
        var points = Enumerable.Repeat(new LandmarkPoint(0, 0), 68).ToList();
        for (var i = 36; i < 42; i++)
        {
            points[i] = new LandmarkPoint(40, 50);
            points[i + 6] = new LandmarkPoint(60, 50);
        }

        for (var i = 48; i < 68; i++)
        {
            points[i] = new LandmarkPoint(50, 80);
        }

        return points;
    }

    [Fact]
    public void The_square_is_sized_by_the_eyes_to_mouth_distance_and_centred_between_them()
    {
        var placement = new EyeMouthPlacement { Side = 1.6, Centre = 0.3 };

        var square = placement.Square(Points());
        var scaled = placement.Square(Points(), scaleX: 2, scaleY: 2);

        // Distance 30 px, side 48; centre 0.3 of the way from (50, 50) to (50, 80): (50, 59).
        Assert.Equal(new FaceBox(26, 35, 48, 48), square);
        Assert.Equal(new FaceBox(52, 70, 96, 96), scaled);
        Assert.Null(placement.Square(Points().Take(67).ToList()));
    }

    [Fact]
    public void The_manifest_declares_it_and_values_out_of_range_are_named()
    {
        var json = """{"margin": -0.2, "shiftY": 0, "landmarks": {"side": 1.56, "centre": 0.3}}""";

        var crop = JsonSerializer.Deserialize<FaceCropGeometry>(json, FerJson.Files)!;
        var tooSmall = crop with { Landmarks = new EyeMouthPlacement { Side = 0.2, Centre = 0.3 } };
        var pastTheChin = crop with { Landmarks = new EyeMouthPlacement { Side = 1.5, Centre = 3 } };

        Assert.Equal(new EyeMouthPlacement { Side = 1.56, Centre = 0.3 }, crop.Landmarks);
        Assert.Empty(crop.Validate());
        Assert.Contains(tooSmall.Validate(), problem => problem.Contains("input.crop.landmarks.side 0.2", StringComparison.Ordinal));
        Assert.Contains(pastTheChin.Validate(), problem => problem.Contains("input.crop.landmarks.centre 3", StringComparison.Ordinal));
    }

    [Fact]
    public void Serving_cuts_photo_faces_by_their_landmarks_and_by_the_box_where_it_has_none()
    {
        using var detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory);
        using var landmarker = FaceLandmarker.Load(FerOptions.DefaultFaceLandmarksDirectory);
        var photo = File.ReadAllBytes(Path.Combine(FaceApiReference.RepositoryRoot, "samples", "photos", "obama_family.jpg"));
        var byBox = new FaceCropGeometry { Margin = -0.2 };
        var small = byBox with { Landmarks = new EyeMouthPlacement { Side = 1, Centre = 0.3 } };
        var large = byBox with { Landmarks = new EyeMouthPlacement { Side = 2, Centre = 0.3 } };
        var withLandmarks = new FaceLocator(FaceFinding.Detect, detector, landmarker: landmarker);

        var boxCrops = withLandmarks.Locate(photo, FullResolution, byBox).Faces;
        var smallCrops = withLandmarks.Locate(photo, FullResolution, small).Faces;
        var largeCrops = withLandmarks.Locate(photo, FullResolution, large).Faces;
        var noLandmarker = new FaceLocator(FaceFinding.Detect, detector).Locate(photo, FullResolution, large).Faces;
        var boxOnly = new FaceLocator(FaceFinding.Detect, detector).Locate(photo, FullResolution, byBox).Faces;

        Assert.Equal(4, largeCrops.Count);
        for (var i = 0; i < largeCrops.Count; i++)
        {
            // Twice the side, within rounding; the face's reported box stays the detector's.
            Assert.InRange(largeCrops[i].Crop.Width - (2 * smallCrops[i].Crop.Width), -1, 1);
            Assert.NotEqual(boxCrops[i].Crop.Width, largeCrops[i].Crop.Width);
            Assert.Equal(boxCrops[i].Box, largeCrops[i].Box);
            Assert.Equal(boxOnly[i].Crop.Pixels, noLandmarker[i].Crop.Pixels);
        }
    }
}
