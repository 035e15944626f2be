using Fer.Inference;
using SkiaSharp;

namespace Fer.Testing;

/// <summary>
/// Writes small labelled data sets for tests: each class has a learnable signal (a bright square at
/// a class-specific place on a noisy background), so a short training run can beat chance.
/// </summary>
public static class MiniatureDataset
{
    public static readonly string[] Fer2013Folders = ["surprise", "fear", "disgust", "happy", "sad", "angry", "neutral"];

    /// <summary>&lt;root&gt;/&lt;split&gt;/&lt;class&gt;/img_N.png, <paramref name="perClass"/> images per class.</summary>
    public static void WriteFolders(string root, string split, int perClass, int size, int seed, string extension = ".png")
    {
        var random = new Random(seed);
        for (var label = 0; label < Fer2013Folders.Length; label++)
        {
            var folder = Path.Combine(root, split, Fer2013Folders[label]);
            Directory.CreateDirectory(folder);
            for (var i = 0; i < perClass; i++)
            {
                File.WriteAllBytes(Path.Combine(folder, $"img_{i:D3}{extension}"), Encode(Draw(label, size, random), extension));
            }
        }
    }

    /// <summary>RAF-DB's Kaggle layout: DATASET/&lt;split&gt;/&lt;1..7&gt;/* and &lt;split&gt;_labels.csv.</summary>
    public static List<string> WriteRafDb(string root, string split, int perClass, int size, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string> { "image,label" };
        var files = new List<string>();
        for (var label = 0; label < EmotionLabels.Count; label++)
        {
            var folder = Path.Combine(root, "DATASET", split, (label + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            for (var i = 0; i < perClass; i++)
            {
                var name = $"{split}_{label}_{i:D3}_aligned.jpg";
                File.WriteAllBytes(Path.Combine(folder, name), Encode(Draw(label, size, random), ".jpg"));
                lines.Add($"{name},{label + 1}");
                files.Add(Path.Combine(folder, name));
            }
        }

        File.WriteAllLines(Path.Combine(root, $"{split}_labels.csv"), lines);
        return files;
    }

    public static SKBitmap Draw(int label, int size, Random random)
    {
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var v = (byte)random.Next(40, 90);
                bitmap.SetPixel(x, y, new SKColor(v, v, (byte)(v + 10)));
            }
        }

        // The class signal: a bright square in one of seven places.
        var cell = size / 4;
        var (cx, cy) = ((label % 3) * cell * 4 / 3, (label / 3) * cell * 4 / 3);
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { Color = new SKColor(240, 240, 240) };
        canvas.DrawRect(SKRect.Create(cx + 1, cy + 1, cell, cell), paint);
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, string extension)
    {
        var format = extension.ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
            ".webp" => SKEncodedImageFormat.Webp,
            _ => SKEncodedImageFormat.Png,
        };
        using (bitmap)
        using (var image = SKImage.FromBitmap(bitmap))
        using (var data = image.Encode(format, 95))
        {
            return data.ToArray();
        }
    }
}
