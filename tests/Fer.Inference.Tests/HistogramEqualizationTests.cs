using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>
/// Histogram equalisation in the shared preprocessing: raw faces (as users send them) and faces
/// equalised beforehand (as FER2013's training files are) must reach the model as nearly the same tensor.
/// </summary>
public sealed class HistogramEqualizationTests
{
    private const int Size = 48;

    [Fact]
    public void A_raw_face_and_its_equalised_copy_give_nearly_the_same_tensor_once_equalisation_is_on()
    {
        var raw = LowContrastFace(new Random(7));
        var rawJpeg = EncodeGray(raw, Size);
        var equalisedJpeg = EncodeGray(ReferenceEqualize(raw), Size); // the publisher's step, then JPEG again

        var on = MeanAbsoluteDifference(Tensor(rawJpeg, "histogram"), Tensor(equalisedJpeg, "histogram"));
        var off = MeanAbsoluteDifference(Tensor(rawJpeg, null), Tensor(equalisedJpeg, null));

        // JPEG re-encoding of the high-contrast copy leaves a few grey levels of difference, as in FER2013's files.
        Assert.True(on < 0.035 && on < off / 5, $"with equalisation the tensors differ by {on:F4} on average (in [0,1] units), without by {off:F4}");
    }

    [Fact]
    public void Equalising_twice_changes_little()
    {
        var face = LowContrastFace(new Random(8));
        var once = Rgb(face);
        HistogramEqualizer.EqualizeLuminanceInPlace(once);
        var twice = (byte[])once.Clone();
        HistogramEqualizer.EqualizeLuminanceInPlace(twice);

        var meanChange = once.Zip(twice, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanChange <= 2, $"a second equalisation moved grey levels by {meanChange:F2} on average");
        Assert.True(MeanAbsoluteDifference(Rgb(face).Select(v => v / 255f).ToArray(), once.Select(v => v / 255f).ToArray()) > 0.05, "the first pass should change a low-contrast face");
    }

    [Fact]
    public void The_lookup_table_spreads_levels_over_the_full_range_and_leaves_a_flat_image_alone()
    {
        byte[] levels = [100, 100, 101, 102, 102, 102, 103, 110];
        var table = HistogramEqualizer.LookupTable(levels);
        Assert.Equal(0, table[100]);
        Assert.Equal(255, table[110]);
        Assert.True(table[101] < table[102] && table[102] < table[103]);

        var flat = HistogramEqualizer.LookupTable(Enumerable.Repeat((byte)77, 64).ToArray());
        Assert.Equal(77, flat[77]);
    }

    [Fact]
    public void On_colour_only_the_luminance_changes()
    {
        byte[] rgb = [120, 100, 90, 130, 110, 100, 125, 104, 96, 140, 118, 108];
        var before = (byte[])rgb.Clone();

        HistogramEqualizer.EqualizeLuminanceInPlace(rgb);

        for (var i = 0; i < rgb.Length; i += 3)
        {
            // Same shift on R, G and B: the colour differences (chroma) are kept where nothing clips.
            if (rgb[i..(i + 3)].All(v => v is > 0 and < 255))
            {
                Assert.Equal(before[i] - before[i + 1], rgb[i] - rgb[i + 1]);
                Assert.Equal(before[i + 2] - before[i + 1], rgb[i + 2] - rgb[i + 1]);
            }
        }

        Assert.NotEqual(before, rgb);
    }

    [Fact]
    public void The_manifest_setting_is_optional_and_checked()
    {
        Assert.Empty(new ModelInput().Validate());
        Assert.Empty(new ModelInput { Equalize = "none" }.Validate());
        Assert.Empty(new ModelInput { Equalize = "histogram" }.Validate());
        Assert.Contains(new ModelInput { Equalize = "clahe" }.Validate(), p => p.Contains("input.equalize 'clahe'", StringComparison.Ordinal));
        Assert.False(new ModelInput().EqualizesHistogram);
    }

    private static float[] Tensor(byte[] encoded, string? equalize)
    {
        var preprocessor = new ImagePreprocessor(new ModelInput { Size = Size, Color = "gray", Mean = [0, 0, 0], Std = [1, 1, 1], Equalize = equalize });
        var tensor = new float[preprocessor.TensorLength];
        preprocessor.Preprocess(encoded, tensor);
        return tensor;
    }

    /// <summary>A face-like grey image squeezed into levels 70..170: a shaded oval, darker eyes and mouth, a little noise.</summary>
    private static byte[] LowContrastFace(Random random)
    {
        var pixels = new byte[Size * Size];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var (dx, dy) = ((x - 24) / 18.0, (y - 26) / 22.0);
                var inside = (dx * dx) + (dy * dy) < 1;
                var v = inside ? 110 + (40 * (1 - (dx * dx) - (dy * dy))) : 75 + x;
                if (Math.Abs(y - 20) < 3 && (Math.Abs(x - 17) < 4 || Math.Abs(x - 31) < 4))
                {
                    v -= 30;
                }

                if (Math.Abs(y - 36) < 2 && Math.Abs(x - 24) < 7)
                {
                    v -= 20;
                }

                pixels[(y * Size) + x] = (byte)Math.Clamp(v + random.Next(-3, 4), 70, 170);
            }
        }

        return pixels;
    }

    /// <summary>Equalisation by rank, written independently of the product's lookup table: v -> 255 * (#pixels at or below v - #lowest) / (n - #lowest).</summary>
    private static byte[] ReferenceEqualize(byte[] grey)
    {
        var sorted = grey.Order().ToArray();
        var lowest = sorted.Count(v => v == sorted[0]);
        return grey.Select(v =>
        {
            var atOrBelow = sorted.Count(s => s <= v);
            return (byte)Math.Round(255.0 * (atOrBelow - lowest) / (grey.Length - lowest), MidpointRounding.AwayFromZero);
        }).ToArray();
    }

    private static byte[] Rgb(byte[] grey) => grey.SelectMany(v => new[] { v, v, v }).ToArray();

    private static byte[] EncodeGray(byte[] grey, int size)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(grey, 0, bitmap.GetPixels(), grey.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        return data.ToArray();
    }

    private static double MeanAbsoluteDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
}
