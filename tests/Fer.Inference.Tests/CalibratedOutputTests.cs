using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>The manifest's calibration (temperature, uncertain threshold) and crop geometry, as serving applies them.</summary>
public sealed class CalibratedOutputTests
{
    private static byte[] Face(int seed) => TestImages.NoisyJpeg(48 + seed, 48 + seed);

    /// <summary>A test model whose manifest is then changed as a calibration would.</summary>
    private static EmotionClassifier Open(TempFolder temp, string name, Func<ModelOutput, ModelOutput> change)
    {
        var directory = temp.Sub(name);
        var manifest = TestModels.Export(directory, seed: 4);
        File.WriteAllText(Path.Combine(directory, ModelManifest.FileName), (manifest with { Output = change(manifest.Output) }).ToJson());
        return EmotionClassifier.Open(directory);
    }

    [Fact]
    public void The_temperature_divides_the_logits_and_the_threshold_flags_low_confidences_uncertain()
    {
        using var temp = new TempFolder();
        using var plain = Open(temp, "plain", output => output);
        using var calibrated = Open(temp, "calibrated", output => output with { Temperature = 3, UncertainBelow = 0.5 });
        var faces = Enumerable.Range(0, 4).Select(i => (ReadOnlyMemory<byte>)Face(i)).ToList();

        var before = plain.ClassifyBatch(faces);
        var after = calibrated.ClassifyBatch(faces);

        for (var i = 0; i < faces.Count; i++)
        {
            // softmax(z / T) from softmax(z): p_T is proportional to p^(1/T).
            var powered = before[i].Scores.ToDictionary(s => s.Key, s => Math.Pow(s.Value, 1 / 3.0));
            var sum = powered.Values.Sum();
            foreach (var (label, p) in after[i].Scores)
            {
                Assert.Equal(powered[label] / sum, p, 6);
            }

            Assert.Equal(before[i].Emotion, after[i].Emotion); // the temperature never changes the label
            Assert.Null(before[i].Uncertain);
            Assert.Equal(after[i].Confidence < 0.5, after[i].Uncertain);
        }
    }

    [Fact]
    public void A_threshold_above_every_confidence_flags_all_and_the_label_is_still_given()
    {
        using var temp = new TempFolder();
        using var classifier = Open(temp, "strict", output => output with { UncertainBelow = 1 });

        var result = classifier.Classify(Face(1));

        Assert.True(result.Uncertain);
        Assert.NotNull(result.Emotion);
    }

    [Theory]
    [InlineData(0.0, null, "output.temperature 0")]
    [InlineData(double.NaN, null, "output.temperature")]
    [InlineData(null, 1.5, "output.uncertainBelow 1.5")]
    [InlineData(null, -0.1, "output.uncertainBelow")]
    public void A_manifest_with_an_impossible_calibration_is_refused_naming_it(double? temperature, double? uncertainBelow, string expected)
    {
        var output = new ModelOutput("logits", temperature, uncertainBelow);

        Assert.Contains(output.Validate(), problem => problem.Contains(expected, StringComparison.Ordinal));
        Assert.Empty(new ModelOutput("logits", 1.2, 0.6).Validate());
    }

    [Fact]
    public void A_manifest_without_calibration_or_crop_reads_as_before()
    {
        using var temp = new TempFolder();
        var manifest = TestModels.Export(temp.Sub("old"), seed: 5);
        var json = File.ReadAllText(Path.Combine(temp.Sub("old"), ModelManifest.FileName));

        Assert.DoesNotContain("temperature", json, StringComparison.Ordinal);
        Assert.Equal(1, manifest.Output.Scale);
        Assert.Equal(FaceCropGeometry.Default, manifest.Input.CropGeometry);
        Assert.Contains((manifest.Input with { Crop = new FaceCropGeometry { Margin = 2 } }).Validate(), p => p.Contains("input.crop.margin 2", StringComparison.Ordinal));
        Assert.Contains((manifest.Input with { Crop = new FaceCropGeometry { ShiftY = -0.9 } }).Validate(), p => p.Contains("input.crop.shiftY", StringComparison.Ordinal));
    }

    [Fact]
    public void The_crop_margin_widens_the_square_and_the_shift_moves_it_along_the_face()
    {
        // A 100 x 100 image whose red is x and green is y.
        var pixels = new byte[100 * 100 * 3];
        for (var i = 0; i < 100 * 100; i++)
        {
            (pixels[i * 3], pixels[(i * 3) + 1]) = ((byte)(i % 100), (byte)(i / 100));
        }

        var image = new RgbImage(100, 100, pixels);
        var box = new FaceBox(40, 40, 20, 20);

        var wide = FaceCrop.Square(image, box, 0, new FaceCropGeometry { Margin = 0.5 });
        var down = FaceCrop.Square(image, box, 0, new FaceCropGeometry { Margin = 0, ShiftY = 0.25 });
        var turned = FaceCrop.Square(image, box, 90, new FaceCropGeometry { Margin = 0, ShiftY = 0.25 });

        Assert.Equal(40, wide.Width); // 20 x (1 + 2 x 0.5)
        Assert.Equal((30, 30), (wide.Pixels[0], wide.Pixels[1]));
        Assert.Equal((40, 45), (down.Pixels[0], down.Pixels[1])); // 0.25 x 20 = 5 px lower
        Assert.Equal(20, down.Width);

        // Turned by 90 degrees the face's "down" points along -x in the image: the square's centre moves left.
        var centre = ((10 * 20) + 10) * 3;
        Assert.InRange(turned.Pixels[centre], 44, 45); // 50 without the shift
        Assert.InRange(turned.Pixels[centre + 1], 49, 50);
    }

    [Fact]
    public void A_native_size_averages_a_large_face_down_first_as_the_training_faces_were_made()
    {
        // A one-pixel checkerboard: a plain bilinear shrink aliases it into stripes; averaging makes it flat grey.
        var pixels = new byte[192 * 192 * 3];
        for (var i = 0; i < 192 * 192; i++)
        {
            var level = (byte)(((i % 192) + (i / 192)) % 2 == 0 ? 255 : 0);
            (pixels[i * 3], pixels[(i * 3) + 1], pixels[(i * 3) + 2]) = (level, level, level);
        }

        var input = new ModelInput { Size = 64, Color = "gray" };
        var direct = new ImagePreprocessor(input).PrepareDecoded(new RgbImage(192, 192, (byte[])pixels.Clone()));
        var averaged = new ImagePreprocessor(input with { NativeSize = 48 }).PrepareDecoded(new RgbImage(192, 192, (byte[])pixels.Clone()));

        static double Spread(RgbImage image) => image.Pixels.Max() - (double)image.Pixels.Min();
        Assert.Equal((64, 64), (averaged.Width, averaged.Height));
        Assert.True(Spread(averaged) <= 2, $"averaged spread {Spread(averaged)}");
        Assert.True(Spread(direct) > 100, $"direct spread {Spread(direct)}");
        Assert.Contains((input with { NativeSize = 4 }).Validate(), p => p.Contains("input.nativeSize 4", StringComparison.Ordinal));
    }
}
