namespace Fer.Training.Cli;

internal static class CommandLine
{
    private const string SecretOption = "--connection-string";

    /// <summary>The command as the user typed it, recorded in manifests and run directories; a connection string is masked.</summary>
    public static string Current => Describe(Environment.GetCommandLineArgs().Skip(1));

    public static string Describe(IEnumerable<string> arguments) =>
        "fer-train " + string.Join(' ', Redact(arguments).Select(Quote));

    private static IEnumerable<string> Redact(IEnumerable<string> arguments)
    {
        var secretNext = false;
        foreach (var argument in arguments)
        {
            yield return secretNext ? "***"
                : argument.StartsWith(SecretOption + "=", StringComparison.Ordinal) ? SecretOption + "=***"
                : argument;
            secretNext = argument == SecretOption;
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? argument : $"'{argument.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
