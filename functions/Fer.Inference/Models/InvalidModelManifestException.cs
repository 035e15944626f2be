namespace Fer.Inference.Models;

/// <summary>A manifest that cannot be served, with every reason found.</summary>
public sealed class InvalidModelManifestException : FerException
{
    public InvalidModelManifestException(string path, IReadOnlyList<string> problems)
        : base($"Model manifest '{path}' cannot be used: {string.Join("; ", problems)}.")
    {
        Problems = problems;
    }

    public InvalidModelManifestException()
    {
        Problems = [];
    }

    public InvalidModelManifestException(string message)
        : base(message)
    {
        Problems = [];
    }

    public InvalidModelManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    public IReadOnlyList<string> Problems { get; }
}
