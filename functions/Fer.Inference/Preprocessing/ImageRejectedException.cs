namespace Fer.Inference.Preprocessing;

/// <summary>
/// An input that can never be classified (not an image, too large, corrupt). <see cref="Code"/> is
/// the stable ErrorCode written to the results table.
/// </summary>
public sealed class ImageRejectedException : FerException
{
    public ImageRejectedException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public ImageRejectedException()
    {
        Code = ImageErrorCodes.Corrupt;
    }

    public ImageRejectedException(string message)
        : base(message)
    {
        Code = ImageErrorCodes.Corrupt;
    }

    public ImageRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ImageErrorCodes.Corrupt;
    }

    public string Code { get; }
}
