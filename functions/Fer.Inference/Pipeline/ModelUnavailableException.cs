namespace Fer.Inference.Pipeline;

/// <summary>There is no model that may be served (none promoted, or the promoted one failed its checks).</summary>
public sealed class ModelUnavailableException : FerException
{
    public ModelUnavailableException()
        : base("No model is available.")
    {
    }

    public ModelUnavailableException(string message)
        : base(message)
    {
    }

    public ModelUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
