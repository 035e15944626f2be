namespace Fer.Inference;

/// <summary>
/// The canonical emotion labels: RAF-DB basic labels 1..7 in that order, class index 0..6.
/// Every model, data set and table row uses this order.
/// </summary>
public static class EmotionLabels
{
    public static IReadOnlyList<string> Canonical { get; } =
        ["Surprise", "Fear", "Disgust", "Happiness", "Sadness", "Anger", "Neutral"];

    public static int Count => Canonical.Count;

    private static readonly Dictionary<string, int> FolderNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["1"] = 0, ["surprise"] = 0, ["surprised"] = 0, ["su"] = 0,
        ["2"] = 1, ["fear"] = 1, ["fearful"] = 1, ["fe"] = 1,
        ["3"] = 2, ["disgust"] = 2, ["disgusted"] = 2, ["di"] = 2,
        ["4"] = 3, ["happy"] = 3, ["happiness"] = 3, ["ha"] = 3,
        ["5"] = 4, ["sad"] = 4, ["sadness"] = 4, ["sa"] = 4,
        ["6"] = 5, ["angry"] = 5, ["anger"] = 5, ["an"] = 5,
        ["7"] = 6, ["neutral"] = 6, ["ne"] = 6,
    };

    /// <summary>
    /// Maps a data-set folder name (RAF-DB digits, FER2013/CK+ words, JAFFE codes; any case) to a
    /// class index. An unknown name is an error that names it: a class is never dropped silently.
    /// </summary>
    public static int FromFolderName(string folderName)
    {
        ArgumentNullException.ThrowIfNull(folderName);
        return FolderNames.TryGetValue(folderName.Trim(), out var index)
            ? index
            : throw new UnknownLabelException(folderName);
    }

    public static bool TryFromFolderName(string folderName, out int index) =>
        FolderNames.TryGetValue(folderName?.Trim() ?? string.Empty, out index);
}
