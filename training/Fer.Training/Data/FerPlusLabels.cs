using System.Globalization;

namespace Fer.Training.Data;

/// <summary>
/// Reads FER+'s label.csv: "name,\"(x, y, w, h)\",neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF"
/// (vote counts, no header). A face is kept when its most-voted column is one of the seven emotions and
/// no other column ties it (FER+'s "clear majority"); contempt, unknown, not-a-face and ties are counted, not used.
/// </summary>
public static class FerPlusLabels
{
    public const string FileName = "label.csv";

    /// <summary>The canonical class index of each of the first seven vote columns.</summary>
    private static readonly int[] CanonicalIndexOfColumn = [6, 3, 0, 4, 5, 2, 1];

    private const int VoteColumns = 10;

    public static SplitScan Scan(string root, string split)
    {
        var splitDirectory = Path.Combine(root, split);
        var csv = Path.Combine(splitDirectory, FileName);
        if (!File.Exists(csv))
        {
            throw new FileNotFoundException($"'{csv}' does not exist (layout 'ferplus' expects <data>/<split>/{FileName} beside the images it names).", csv);
        }

        var images = new List<LabelledImage>();
        var missing = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(csv))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var (name, votes) = ParseLine(line, csv, lineNumber);
            if (MajorityLabel(votes) is not { } label)
            {
                continue;
            }

            var path = Path.Combine(splitDirectory, name);
            if (!File.Exists(path))
            {
                missing.Add(Path.GetRelativePath(root, path));
                continue;
            }

            var canonicalVotes = new float[CanonicalIndexOfColumn.Length];
            for (var column = 0; column < CanonicalIndexOfColumn.Length; column++)
            {
                canonicalVotes[CanonicalIndexOfColumn[column]] = votes[column];
            }

            images.Add(new LabelledImage(path, label, canonicalVotes));
        }

        if (images.Count == 0 && missing.Count == 0)
        {
            throw new InvalidDataException($"'{csv}' names no face with a clear majority among the seven emotions.");
        }

        return new SplitScan(split, images, missing);
    }

    /// <summary>The canonical label of the clear majority, or null (a tie, or contempt / unknown / not a face on top).</summary>
    public static int? MajorityLabel(IReadOnlyList<float> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var best = 0;
        for (var column = 1; column < votes.Count; column++)
        {
            if (votes[column] > votes[best])
            {
                best = column;
            }
        }

        var tied = votes.Where((v, column) => column != best && v == votes[best]).Any();
        return tied || best >= CanonicalIndexOfColumn.Length || votes[best] <= 0 ? null : CanonicalIndexOfColumn[best];
    }

    private static (string Name, float[] Votes) ParseLine(string line, string csv, int lineNumber)
    {
        // The box is quoted and holds commas: the name comes before it, the votes after it.
        var boxEnd = line.IndexOf(")\"", StringComparison.Ordinal);
        var firstComma = line.IndexOf(',', StringComparison.Ordinal);
        var fields = boxEnd > firstComma && firstComma > 0 ? line[(boxEnd + 2)..].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        var votes = new float[VoteColumns];
        var ok = fields.Length == VoteColumns;
        for (var i = 0; ok && i < VoteColumns; i++)
        {
            ok = float.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out votes[i]) && votes[i] >= 0;
        }

        var name = firstComma > 0 ? line[..firstComma].Trim() : string.Empty;
        if (!ok || name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name.StartsWith('.'))
        {
            throw new InvalidDataException($"'{csv}' line {lineNumber} is not 'name,\"(x, y, w, h)\",<ten vote counts>': '{(line.Length > 120 ? line[..120] + "..." : line)}'.");
        }

        return (name, votes);
    }
}
