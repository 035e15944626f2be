using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>
/// Photos through the serving classifier: the committed detector finds the faces, each is cut from the full image
/// and all go through the demo model together; images without a face get no emotion.
/// </summary>
public sealed class FaceClassificationTests : IDisposable
{
    private readonly FaceDetector detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory);
    private readonly FaceLandmarker landmarker = FaceLandmarker.Load(FerOptions.DefaultFaceLandmarksDirectory);

    public void Dispose()
    {
        detector.Dispose();
        landmarker.Dispose();
    }

    private static string DemoModel => Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo");

    private static byte[] Photo(string name) => File.ReadAllBytes(Path.Combine(FaceApiReference.ExpectedDirectory, name + ".input.png"));

    [Fact]
    public void Every_face_of_a_family_photo_is_classified_with_its_box_in_one_call()
    {
        var locator = new FaceLocator(FaceFinding.Detect, detector, landmarker: landmarker);
        using var classifier = new EmotionClassifier(ModelVersionFolder.Open(DemoModel), faces: locator);
        var photo = Photo("obama_family");
        var expected = FaceApiReference.SsdFaces("obama_family");

        var faces = classifier.ClassifyPhotos([photo])[0];

        Assert.Equal(4, faces.Count);
        for (var i = 0; i < faces.Count; i++)
        {
            var face = faces[i];
            Assert.Equal(ClassificationStatus.Classified, face.Status);
            Assert.Equal((i, 4, FaceSources.Detected, 640, 427), (face.FaceIndex!.Value, face.FaceCount!.Value, face.FaceSource, face.Width!.Value, face.Height!.Value));
            Assert.Equal(expected[i].X, face.Box!.X, 1.0);
            Assert.Equal(expected[i].Y, face.Box.Y, 1.0);
            Assert.Equal(expected[i].Width, face.Box.Width, 2.0);
            Assert.Equal(expected[i].Height, face.Box.Height, 2.0);
            Assert.Equal(expected[i].Score, face.DetectionScore!.Value, 1e-3);
            Assert.Equal(1.0, face.Scores.Values.Sum(), 6);
        }

        // The same face cut by hand (placed by its landmarks as the manifest says, turned by its eye line) and
        // classified as a crop gives the same scores: one preprocessing, one model.
        var angle = locator.Locate(photo, classifier.Manifest.Input.Size).Faces[2].AlignedDegrees;
        Assert.NotNull(angle);
        Assert.Equal(Math.Round(angle.Value, 1), faces[2].AlignedDegrees);
        var decoded = ImageDecoder.Decode(photo); // 640 px: the locator's reduced copy is the photo itself
        var points = landmarker.LocateAll(decoded, locator.Detect(decoded, decoded.Width, decoded.Height))[2];
        var square = classifier.Manifest.Input.CropGeometry.Landmarks!.Square(points)!;
        var crop = FaceCrop.Square(decoded, square, angle.Value, new FaceCropGeometry { Margin = 0 });
        var alone = classifier.ClassifyBatch([Encode(crop)])[0];
        Assert.Equal(alone.Scores["Happiness"], faces[2].Scores["Happiness"], 6);
    }

    public static TheoryData<string, byte[]> ImagesWithoutFaces() => new()
    {
        { "blank 6000x600", TestImages.Png(6000, 600, SKColors.Gray) },
        { "noise", TestImages.NoisyJpeg(300, 300) },
        { "1x1", TestImages.Png(1, 1, SKColors.White) },
        { "10000x1", TestImages.Png(10000, 1, SKColors.Black) },
    };

    [Theory]
    [MemberData(nameof(ImagesWithoutFaces))]
    public void An_image_without_a_face_gets_no_face_and_no_emotion(string what, byte[] image)
    {
        using var classifier = new EmotionClassifier(ModelVersionFolder.Open(DemoModel), faces: new FaceLocator(FaceFinding.Detect, detector));

        var result = Assert.Single(classifier.ClassifyPhotos([image])[0]);

        Assert.True(result.Status == ClassificationStatus.Rejected, $"{what}: {result.Status}, {result.ErrorCode}, {result.Error}, {result.FaceCount} face(s), emotion {result.Emotion}");
        Assert.Equal((ImageErrorCodes.NoFace, 0), (result.ErrorCode, result.FaceCount!.Value));
        Assert.Null(result.Emotion);
        Assert.Null(result.FaceIndex);
    }

    [Fact]
    public void In_auto_mode_a_small_image_without_a_detected_face_is_classified_whole_and_says_so()
    {
        using var auto = new EmotionClassifier(ModelVersionFolder.Open(DemoModel), faces: new FaceLocator(FaceFinding.Auto, detector));
        var small = TestImages.Png(48, 48, SKColors.Gray);
        var large = TestImages.Png(400, 400, SKColors.Gray);

        var results = auto.ClassifyPhotos([small, large]);

        var whole = Assert.Single(results[0]);
        Assert.Equal((ClassificationStatus.Classified, FaceSources.WholeImage, 0, 1), (whole.Status, whole.FaceSource, whole.FaceIndex!.Value, whole.FaceCount!.Value));
        Assert.Equal(new FaceBox(0, 0, 48, 48), whole.Box);
        Assert.Null(whole.DetectionScore);
        Assert.Equal(ImageErrorCodes.NoFace, Assert.Single(results[1]).ErrorCode);
    }

    [Fact]
    public void In_auto_mode_a_48_px_face_crop_is_classified_as_one_face()
    {
        // A FER2013-sized colour face cut from a real photo: auto answers one face for it (here the detector still finds
        // it; FER2013's own grey 48 px files are not found and fall back to whole-image, as the blank test shows).
        var photo = ImageDecoder.Decode(Photo("obama_family"));
        var box = detector.Detect(photo)[2];
        var crop = FaceCrop.Square(photo, new FaceBox((int)box.X, (int)box.Y, (int)box.Width, (int)box.Height));
        using var auto = new EmotionClassifier(ModelVersionFolder.Open(DemoModel), faces: new FaceLocator(FaceFinding.Auto, detector));

        var face = Assert.Single(auto.ClassifyPhotos([Encode(crop, 48)])[0]);

        Assert.Equal(ClassificationStatus.Classified, face.Status);
        Assert.Equal((48, 48), (face.Width!.Value, face.Height!.Value));
    }

    [Fact]
    public void Whole_image_mode_needs_no_detector_and_matches_the_face_crop_classification()
    {
        using var classifier = new EmotionClassifier(ModelVersionFolder.Open(DemoModel), faces: new FaceLocator(FaceFinding.WholeImage, null));
        var image = TestImages.NoisyJpeg(70, 90);

        var face = Assert.Single(classifier.ClassifyPhotos([image])[0]);
        var crop = classifier.ClassifyBatch([image])[0];

        Assert.Equal((FaceSources.WholeImage, new FaceBox(0, 0, 70, 90)), (face.FaceSource, face.Box));
        Assert.Equal(crop.Scores["Neutral"], face.Scores["Neutral"], 12);
        Assert.Throws<ArgumentException>(() => new FaceLocator(FaceFinding.Detect, null));
    }

    [Fact]
    public void A_jpeg_is_decoded_at_reduced_size_for_detection_by_the_codec_itself()
    {
        var jpeg = TestImages.Jpeg(4000, 3000, SKColors.Olive);

        var reduced = ImageDecoder.DecodeReduced(jpeg, null, FaceLocator.DetectionLongSide, out var width, out var height);
        var png = ImageDecoder.DecodeReduced(TestImages.Png(2000, 100, SKColors.Olive), null, FaceLocator.DetectionLongSide, out _, out _);

        Assert.Equal((4000, 3000), (width, height));
        Assert.Equal((1500, 1125), (reduced.Width, reduced.Height)); // 3/8: the smallest DCT scale whose longer side reaches 1024
        Assert.Equal((1024, 52), (png.Width, png.Height)); // PNG is read by rows and box-averaged to exactly the size asked
    }

    [Fact]
    public void A_face_is_cut_from_the_smallest_decode_that_keeps_its_crop_at_least_the_input_size()
    {
        // The portrait at 2400x3000 as a JPEG: the detector's copy is its 3/8 decode, 900x1125.
        using var portrait = SKBitmap.Decode(Photo("biden_7mpx"));
        using var large = portrait.Resize(new SKImageInfo(2400, 3000), new SKSamplingOptions(SKFilterMode.Linear));
        using var encoded = large.Encode(SKEncodedImageFormat.Jpeg, 90);
        var jpeg = encoded.ToArray();
        var locator = new FaceLocator(FaceFinding.Detect, detector);

        var small = Assert.Single(locator.Locate(jpeg, 64).Faces);
        var full = Assert.Single(locator.Locate(jpeg, 5000).Faces);

        var fullSide = (int)Math.Round(Math.Max(full.Box.Width, full.Box.Height) * (1 + (2 * FaceCrop.Margin)));
        Assert.Equal(fullSide, full.Crop.Width); // a larger input than the face: the full image
        Assert.Equal(small.Box, full.Box);
        Assert.InRange(small.Crop.Width, 64, (fullSide * 3 / 8) + 2); // a 64 px input: the detector's copy, no second decode
    }

    [Fact]
    public void The_manifest_and_the_setting_say_how_faces_are_found()
    {
        var manifest = new ModelManifest
        {
            Name = "m",
            Version = "v",
            Architecture = new ModelArchitecture("resnet18", "none"),
            Labels = EmotionLabels.Canonical,
            Input = new ModelInput { Size = 48 },
            Output = new ModelOutput("logits"),
            Onnx = new OnnxFile { File = "model.onnx", Sha256 = new string('0', 64), Bytes = 1, Opset = 17 },
        };

        Assert.Equal(FaceFinding.Detect, FaceFinding.Resolve(null, manifest)); // folders written before the field: detect
        Assert.Equal(FaceFinding.WholeImage, FaceFinding.Resolve(null, manifest with { Input = manifest.Input with { Faces = FaceFinding.WholeImage } }));
        Assert.Equal(FaceFinding.Auto, FaceFinding.Resolve(FaceFinding.Auto, manifest with { Input = manifest.Input with { Faces = FaceFinding.WholeImage } }));
        Assert.Contains((manifest.Input with { Faces = "eyes" }).Validate(), p => p.Contains("input.faces 'eyes'", StringComparison.Ordinal));
        Assert.Empty(manifest.Input.Validate());
        Assert.Throws<FerException>(() => FaceFinding.Resolve("everything", manifest));
    }

    [Fact]
    public void A_face_at_the_edge_is_cut_as_a_square_with_a_margin_and_the_edge_repeated()
    {
        // 4x2 image: each pixel's red is its x, green its y.
        var pixels = new byte[4 * 2 * 3];
        for (var i = 0; i < 8; i++)
        {
            (pixels[i * 3], pixels[(i * 3) + 1]) = ((byte)(i % 4), (byte)(i / 4));
        }

        var crop = FaceCrop.Square(new RgbImage(4, 2, pixels), new FaceBox(0, 0, 5, 5));

        Assert.Equal((6, 6), (crop.Width, crop.Height)); // 5 x 1.2
        Assert.Equal((0, 0), (crop.Pixels[0], crop.Pixels[1])); // above and left of the image: its corner repeated
        var last = crop.Pixels.Length - 3;
        Assert.Equal((3, 1), (crop.Pixels[last], crop.Pixels[last + 1])); // below and right: the opposite corner
    }

    private static byte[] Encode(RgbImage image, int? size = null)
    {
        using var bitmap = new SKBitmap(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var i = ((y * image.Width) + x) * 3;
                bitmap.SetPixel(x, y, new SKColor(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]));
            }
        }

        using var scaled = size is { } s ? bitmap.Resize(new SKImageInfo(s, s, SKColorType.Rgba8888, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear)) : null;
        using var data = (scaled ?? bitmap).Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
