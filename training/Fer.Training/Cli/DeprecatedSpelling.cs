using System.CommandLine;

namespace Fer.Training.Cli;

/// <summary>
/// Old spellings that still work but say what replaced them: the student report's flags once said "seed",
/// which reads as <c>--seed</c>, the random seed.
/// </summary>
internal static class DeprecatedSpelling
{
    /// <summary>The old name of an option, kept out of the help and read through <see cref="IsGiven"/>.</summary>
    public static Option<bool> HiddenFlag(string oldName) => new(oldName) { Hidden = true };

    /// <summary>Whether the old flag was typed; if it was, one line on stderr names its replacement.</summary>
    public static bool IsGiven(ParseResult parse, Option<bool> oldFlag, string replacement)
    {
        var given = parse.GetValue(oldFlag);
        if (given)
        {
            Warn(oldFlag.Name, replacement);
        }

        return given;
    }

    public static void Warn(string old, string replacement) =>
        Console.Error.WriteLine($"fer-train: warning: '{old}' is deprecated, use '{replacement}' ('seed' only means --seed, the random seed).");
}
