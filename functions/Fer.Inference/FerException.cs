namespace Fer.Inference;

/// <summary>
/// A failure the user can fix: a broken model, a missing data set, options that contradict each other. The base of every
/// exception type of Fer's own; the command lines report its message in one line and exit 1, while an exception of any
/// other type is a bug and crashes with its stack trace (see <see cref="UserFaults"/>).
/// </summary>
public class FerException : Exception
{
    public FerException()
    {
    }

    public FerException(string message)
        : base(message)
    {
    }

    public FerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
