using System.Globalization;
using Fer.Inference;

namespace Fer.Training.Data;

/// <summary>Lists the labelled images of a split for each supported layout.</summary>
public static class DatasetScanner
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp",
    };

    public static bool SplitExists(string root, DatasetLayout layout, string split) => layout switch
    {
        DatasetLayout.RafDb => File.Exists(Path.Combine(root, $"{split}_labels.csv")),
        DatasetLayout.FerPlus => File.Exists(Path.Combine(root, split, FerPlusLabels.FileName)),
        _ => Directory.Exists(Path.Combine(root, split)),
    };

    public static SplitScan Scan(string root, DatasetLayout layout, string split)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Data folder '{root}' does not exist.");
        }

        return layout switch
        {
            DatasetLayout.RafDb => ScanRafDb(root, split),
            DatasetLayout.FerPlus => FerPlusLabels.Scan(root, split),
            _ => ScanFolders(root, split),
        };
    }

    /// <summary>&lt;root&gt;/&lt;split&gt;/&lt;class&gt;/*: every class folder must map to a label; an unknown one is an error naming it.</summary>
    private static SplitScan ScanFolders(string root, string split)
    {
        var splitDirectory = Path.Combine(root, split);
        if (!Directory.Exists(splitDirectory))
        {
            throw new DirectoryNotFoundException($"Split folder '{splitDirectory}' does not exist (layout 'folders' expects <data>/<split>/<class>/<image>).");
        }

        var images = new List<LabelledImage>();
        foreach (var classDirectory in Directory.GetDirectories(splitDirectory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(classDirectory);
            if (!EmotionLabels.TryFromFolderName(name, out var label))
            {
                throw new InvalidDataException($"Class folder '{classDirectory}' is not an emotion label. {new UnknownLabelException(name).Message}");
            }

            images.AddRange(Directory.GetFiles(classDirectory)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal)
                .Select(f => new LabelledImage(f, label)));
        }

        if (images.Count == 0)
        {
            throw new InvalidDataException($"Split folder '{splitDirectory}' holds no images in class folders.");
        }

        return new SplitScan(split, images, []);
    }

    /// <summary>RAF-DB: the CSV is the truth; files it lists but that are not on disk are reported by name.</summary>
    private static SplitScan ScanRafDb(string root, string split)
    {
        var csv = Path.Combine(root, $"{split}_labels.csv");
        if (!File.Exists(csv))
        {
            throw new FileNotFoundException($"'{csv}' does not exist (layout 'rafdb' expects <data>/{split}_labels.csv and <data>/DATASET/{split}/<1..7>/<image>).", csv);
        }

        var images = new List<LabelledImage>();
        var missing = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(csv))
        {
            lineNumber++;
            var fields = line.Split(',');
            if (lineNumber == 1 && !int.TryParse(fields.ElementAtOrDefault(1), out _))
            {
                continue; // header
            }

            if (fields.Length < 2 || string.IsNullOrWhiteSpace(fields[0]))
            {
                throw new InvalidDataException($"'{csv}' line {lineNumber} is not 'image,label': '{line}'.");
            }

            var labelText = fields[1].Trim();
            if (!EmotionLabels.TryFromFolderName(labelText, out var label) || !int.TryParse(labelText, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                throw new InvalidDataException($"'{csv}' line {lineNumber}: label '{labelText}' is not 1..7.");
            }

            var path = Path.Combine(root, "DATASET", split, labelText, fields[0].Trim());
            if (File.Exists(path))
            {
                images.Add(new LabelledImage(path, label));
            }
            else
            {
                missing.Add(Path.GetRelativePath(root, path));
            }
        }

        return new SplitScan(split, images, missing);
    }
}
