using Fer.Onnx;
using static TorchSharp.torch;

namespace Fer.Training.Model;

/// <summary>
/// Test-time augmentation for export: the logits of a face and of its mirror image (horizontal
/// flip), averaged. Both go through the classifier (one network or a <see cref="LogitAveragingEnsemble"/>)
/// as one batch of 2N, so the cost is one call of twice the size. The classifier is held, not registered
/// as a child, so that the exported initializers keep the classifier's own state-dict names. Built for
/// export and serving only: it puts the classifier in eval mode.
/// </summary>
public sealed class MirrorAveragedClassifier : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    /// <summary>The value of the manifest's <c>architecture.test_time_augmentation</c> for such a model.</summary>
    public const string ManifestName = "horizontal-flip-average";

    private readonly nn.Module<Tensor, Tensor> classifier;
    private readonly IOnnxExportable exportable;
    private readonly long numClasses;

    public MirrorAveragedClassifier(FerResNet classifier)
        : this(classifier, classifier?.Options.NumClasses ?? 0)
    {
    }

    public MirrorAveragedClassifier(LogitAveragingEnsemble ensemble)
        : this(ensemble, ensemble?.NumClasses ?? 0)
    {
    }

    private MirrorAveragedClassifier(nn.Module<Tensor, Tensor> classifier, long numClasses)
        : base(nameof(MirrorAveragedClassifier))
    {
        ArgumentNullException.ThrowIfNull(classifier);
        this.classifier = classifier;
        exportable = (IOnnxExportable)classifier;
        this.numClasses = numClasses;
        classifier.eval();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var n = input.shape[0];
        var logits = classifier.call(cat([input, input.flip(3)], 0));
        return logits.view(2, n, logits.shape[1]).mean([0]).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var graph = context.Graph;

        // Slice with step -1 over the width axis, from the last column to before the first.
        var mirrored = graph.Node("Slice",
        [
            input,
            graph.Int64Initializer("mirror.starts", [-1]),
            graph.Int64Initializer("mirror.ends", [long.MinValue]),
            graph.Int64Initializer("mirror.axes", [3]),
            graph.Int64Initializer("mirror.steps", [-1]),
        ]);
        var both = graph.Node("Concat", [input, mirrored], attributes: [OnnxAttributeValue.OfInt("axis", 0)]);
        var logits = exportable.EmitOnnx(context, both);
        var pairs = graph.Node("Reshape", [logits, graph.Int64Initializer("mirror.pair_shape", [2, -1, numClasses])]);
        return graph.Node("ReduceMean", [pairs], attributes:
        [
            OnnxAttributeValue.OfInts("axes", [0]),
            OnnxAttributeValue.OfInt("keepdims", 0),
        ]);
    }
}
