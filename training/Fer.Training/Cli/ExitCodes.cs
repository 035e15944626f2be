namespace Fer.Training.Cli;

/// <summary>Process exit codes of fer-train (documented in the README).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;
    public const int ParityFailed = 3;
    public const int NoSuchRun = 4;
}
