namespace Fer.Testing;

/// <summary>The repository the tests run in: the nearest folder above the test binaries that holds Fer.sln.</summary>
public static class TestRepository
{
    private static readonly Lazy<string> Located = new(Locate);

    public static string Root => Located.Value;

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Fer.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains Fer.sln.");
    }
}
