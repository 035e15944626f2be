using System.Globalization;
using Fer.Inference.Classification;
using Fer.Inference.Preprocessing;
using SkiaSharp;

namespace Fer.Cli;

/// <summary>
/// <c>fer classify --annotate DIR</c>: a JPEG copy of each photo with every face's box, number, emotion and
/// confidence drawn on it, so a user can see what was found. Boxes are in the oriented image's pixels, as reported.
/// </summary>
internal static class PhotoAnnotator
{
    /// <summary>Writes the annotated copy of <paramref name="file"/> into <paramref name="directory"/> and returns its path; null when the file is no image.</summary>
    public static string? Write(string file, IReadOnlyList<ClassificationResult> results, string directory, ISet<string> written)
    {
        RgbImage image;
        try
        {
            image = ImageDecoder.Decode(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is ImageRejectedException or IOException or UnauthorizedAccessException)
        {
            return null; // already reported on its own line
        }

        using var bitmap = ToBitmap(image);
        using (var canvas = new SKCanvas(bitmap))
        {
            var longSide = Math.Max(image.Width, image.Height);
            using var box = new SKPaint { Color = SKColors.Yellow, Style = SKPaintStyle.Stroke, StrokeWidth = Math.Max(2, longSide / 500f), IsAntialias = true };
            using var label = new SKPaint { Color = SKColors.Yellow, IsAntialias = true };
            using var shadow = new SKPaint { Color = SKColors.Black.WithAlpha(160) };
            using var font = new SKFont(SKTypeface.Default, Math.Max(12, longSide / 80f));
            foreach (var result in results.Where(r => r.Box is not null))
            {
                var (x, y, width, height) = (result.Box!.X, result.Box.Y, result.Box.Width, result.Box.Height);
                font.Size = Math.Clamp(width / 4f, 10, Math.Max(10, longSide / 60f)); // labels of a crowd's small faces must not cover each other
                canvas.DrawRect(x, y, width, height, box);
                var text = string.Create(CultureInfo.InvariantCulture, $"{result.FaceIndex + 1} {result.Emotion} {result.Confidence:P0}{(result.Uncertain == true ? "?" : string.Empty)}");
                var top = Math.Max(font.Size, y - (font.Size * 0.3f));
                canvas.DrawRect(x, top - font.Size, font.MeasureText(text) + 4, font.Size * 1.25f, shadow);
                canvas.DrawText(text, x + 2, top, font, label);
            }

            if (results.Any(r => r.ErrorCode == ImageErrorCodes.NoFace))
            {
                font.Size = Math.Max(12, longSide / 30f);
                canvas.DrawText("no face found", font.Size, font.Size * 1.5f, font, label);
            }
        }

        Directory.CreateDirectory(directory);
        var path = UniquePath(directory, Path.GetFileNameWithoutExtension(file), written);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>NAME.annotated.jpg, numbered when two inputs share a name.</summary>
    private static string UniquePath(string directory, string name, ISet<string> written)
    {
        var path = Path.Combine(directory, name + ".annotated.jpg");
        for (var n = 2; !written.Add(path); n++)
        {
            path = Path.Combine(directory, $"{name}-{n}.annotated.jpg");
        }

        return path;
    }

    private static SKBitmap ToBitmap(RgbImage image)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        for (int s = 0, t = 0; s < image.Pixels.Length; s += 3, t += 4)
        {
            (rgba[t], rgba[t + 1], rgba[t + 2], rgba[t + 3]) = (image.Pixels[s], image.Pixels[s + 1], image.Pixels[s + 2], 255);
        }

        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }
}
