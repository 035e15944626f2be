namespace Fer.Cli;

/// <summary>Exit codes of fer (documented in the README).</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something could not be done: no model, a broken model, storage unreachable, a missing path.</summary>
    public const int Failure = 1;

    public const int UsageError = 2;

    /// <summary><c>classify</c>: every file was answered, but some were rejected (not images, corrupt, too large).</summary>
    public const int SomeRejected = 4;
}
