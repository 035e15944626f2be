using Fer.Inference.Preprocessing;

namespace Fer.Inference.Pipeline;

/// <summary>
/// The one sentence a <c>failed</c> row or answer carries for each failure code. What broke inside (exception text,
/// storage answers, paths) goes to the log only: rows and answers outlive the log's access rules and reach anyone
/// who may read the batch.
/// </summary>
public static class FailureMessages
{
    /// <summary>No model could be served; the row's code, and the 503 answer's.</summary>
    public const string ModelUnavailable = "model-unavailable";

    /// <summary>The blob failed every try the function host allows (its poison queue).</summary>
    public const string BlobPoisoned = "blob-poisoned";

    /// <summary>The sentence for <paramref name="code"/>; a general one for a code without its own.</summary>
    public static string For(string? code) => code switch
    {
        ImageErrorCodes.ProcessingFailed => "The image could not be processed because of a fault on our side; it is tried again at the next pass over its batch.",
        ModelUnavailable => "No model could be served when this image was processed; it is classified once one can be.",
        BlobPoisoned => "Classifying this image failed on every try the host allows; the reconciler tries it again.",
        _ => "Classifying this image failed because of a fault on our side; it is tried again later.",
    };
}
