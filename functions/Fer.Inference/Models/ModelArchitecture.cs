namespace Fer.Inference.Models;

/// <param name="TestTimeAugmentation">
/// Set when the ONNX graph itself augments its input, e.g. "horizontal-flip-average": the logits of
/// the face and its mirror image, averaged (twice the compute of one pass). Serving needs to do nothing.
/// </param>
/// <param name="Ensemble">
/// Set when the ONNX graph holds several networks and returns the mean of their logits: how many (one
/// pass each). Backbone and Cbam then list the networks' distinct values joined by "+" ("resnet18+resnet34").
/// Serving needs to do nothing.
/// </param>
public sealed record ModelArchitecture(string Backbone, string Cbam, string? TestTimeAugmentation = null, int? Ensemble = null);
