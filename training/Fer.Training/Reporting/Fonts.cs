using SkiaSharp;

namespace Fer.Training.Reporting;

/// <summary>A typeface for chart text: a common sans-serif font file when the system has one, else Skia's default.</summary>
internal static class Fonts
{
    private static readonly Lazy<SKTypeface> Sans = new(Load);

    public static SKFont Create(float size) => new(Sans.Value, size);

    private static SKTypeface Load()
    {
        string[] folders = ["/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "/System/Library/Fonts", Environment.GetFolderPath(Environment.SpecialFolder.Fonts)];
        string[] names = ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf", "Helvetica.ttc"];
        foreach (var folder in folders.Where(f => !string.IsNullOrEmpty(f) && Directory.Exists(f)))
        {
            foreach (var name in names)
            {
                var file = Directory.EnumerateFiles(folder, name, SearchOption.AllDirectories).FirstOrDefault();
                if (file is not null && SKTypeface.FromFile(file) is { } typeface)
                {
                    return typeface;
                }
            }
        }

        return SKTypeface.Default;
    }
}
