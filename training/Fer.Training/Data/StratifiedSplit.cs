namespace Fer.Training.Data;

/// <summary>A seeded, stratified split: each class is divided in the same proportion.</summary>
public static class StratifiedSplit
{
    /// <summary>Moves round(<paramref name="fraction"/> x class size) images of each class into the second part.</summary>
    public static (IReadOnlyList<LabelledImage> Remaining, IReadOnlyList<LabelledImage> Taken) Split(IReadOnlyList<LabelledImage> images, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (fraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The split fraction must be between 0 and 1 (exclusive).");
        }

        var random = new Random(seed);
        var rest = new List<LabelledImage>();
        var taken = new List<LabelledImage>();
        foreach (var group in images.GroupBy(i => i.Label).OrderBy(g => g.Key))
        {
            var members = group.OrderBy(i => i.Path, StringComparer.Ordinal).ToArray();
            random.Shuffle(members);
            var count = (int)Math.Round(members.Length * fraction, MidpointRounding.AwayFromZero);
            taken.AddRange(members.Take(count));
            rest.AddRange(members.Skip(count));
        }

        return (rest.OrderBy(i => i.Path, StringComparer.Ordinal).ToList(), taken.OrderBy(i => i.Path, StringComparer.Ordinal).ToList());
    }
}
