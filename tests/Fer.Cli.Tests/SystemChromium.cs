namespace Fer.Cli.Tests;

/// <summary>
/// The machine's Chromium (Debian's <c>chromium</c> package, which .ci/run installs): Playwright drives it through
/// <c>ExecutablePath</c>, since its own browser downloads cannot be reached here.
/// </summary>
internal static class SystemChromium
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories.Select(d => System.IO.Path.Combine(d, "chromium")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("No 'chromium' on PATH: install Debian's package ('apt-get install -y chromium'; .ci/run does).");
    }
}
