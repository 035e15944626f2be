namespace Fer.Inference.Classification;

/// <summary>The status values of the results table.</summary>
public static class ClassificationStatus
{
    public const string Classified = "classified";

    /// <summary>The input can never be classified (not an image, too large, corrupt): recorded once, not retried.</summary>
    public const string Rejected = "rejected";

    /// <summary>Our fault or a transient fault: retried.</summary>
    public const string Failed = "failed";
}
