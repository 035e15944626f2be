namespace Fer.Cli;

/// <summary>Finds the repository's demo model and sample photos when fer runs from a checkout.</summary>
internal static class RepositoryPaths
{
    public const string DemoModel = "models/demo";
    public const string SamplePhotos = "samples/photos";

    public static string? Find(string relative)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, relative);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
