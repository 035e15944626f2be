using Fer.Inference.Classification;

namespace Fer.Inference.Pipeline;

/// <summary>
/// A hold on one model version for the length of some work: the model is not disposed while a lease on it is open,
/// even when a newer version has been swapped in meanwhile. Dispose it (a <c>using</c>) when the work ends.
/// </summary>
public sealed class ModelLease : IDisposable
{
    private ModelProvider.SharedModel? shared;

    internal ModelLease(ModelProvider.SharedModel shared)
    {
        this.shared = shared;
        Model = shared.Model;
    }

    /// <summary>The model to classify with while this lease is open.</summary>
    public EmotionClassifier Model { get; }

    /// <summary>Ends the hold; the last one to end on a version that is no longer current disposes it. A second call does nothing.</summary>
    public void Dispose() => Interlocked.Exchange(ref shared, null)?.Release();
}
