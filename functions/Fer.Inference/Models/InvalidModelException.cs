namespace Fer.Inference.Models;

/// <summary>A model version folder that must not be served, and why.</summary>
public sealed class InvalidModelException : FerException
{
    public InvalidModelException(string directory, string problem)
        : base($"Model folder '{directory}' cannot be served: {problem}.")
    {
    }

    public InvalidModelException()
    {
    }

    public InvalidModelException(string message)
        : base(message)
    {
    }

    public InvalidModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
