namespace Fer.Inference.Preprocessing;

/// <summary>The ErrorCode values for rejected images.</summary>
public static class ImageErrorCodes
{
    public const string Empty = "image-empty";
    public const string TooLarge = "image-too-large";
    public const string TooManyPixels = "image-too-many-pixels";
    public const string NotAnImage = "image-unrecognised-format";
    public const string Corrupt = "image-corrupt";

    /// <summary>The detector found no face: the image gets no emotion rather than a guess.</summary>
    public const string NoFace = "no-face";

    /// <summary>
    /// With status <c>failed</c>, not rejected: finding or cutting the faces threw something unforeseen, which says
    /// nothing certain about the file, so the next pass over the batch tries again.
    /// </summary>
    public const string ProcessingFailed = "image-processing-failed";
}
