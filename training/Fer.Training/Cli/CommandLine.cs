namespace Fer.Training.Cli;

internal static class CommandLine
{
    /// <summary>The command as the user typed it, recorded in manifests and run directories.</summary>
    public static string Current => "fer-train " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? argument : $"'{argument.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
