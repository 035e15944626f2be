using Fer.Inference;

namespace Fer.Cli;

/// <summary>A failure of fer's own commands (a path that is not there, no demo model), reported in one line with exit code 1.</summary>
internal sealed class CliException : FerException
{
    public CliException()
        : base("fer failed.")
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
