namespace Fer.Training.Weights;

/// <summary>Where a weights file comes from, which decides how its parameter names map onto ours.</summary>
public enum WeightFormat
{
    /// <summary>A torchvision ImageNet state dict: the backbone is loaded, the 1000-class head is left out.</summary>
    Torchvision,

    /// <summary>
    /// The student report's own checkpoint (best_resnet50_cbam.pth; <c>--weights-format report-pth</c>, once <c>seed</c>):
    /// keys under <c>resnet.</c>, CBAM at <c>layer4.2.1</c>.
    /// </summary>
    ReportPth,

    /// <summary>
    /// An ImageNet ResNet stored as an ONNX graph (ML.NET's ResNet18.onnx, <c>--weights imagenet</c>): read
    /// node by node and named as torchvision would; like <see cref="Torchvision"/>, head and CBAM stay new.
    /// </summary>
    ImageNetOnnx,

    /// <summary>Our own checkpoints: our names, loaded strictly.</summary>
    Fer,

    /// <summary>
    /// A model folder this project exported (<c>--weights models/demo</c>): the ONNX initializers carry
    /// our names and are loaded strictly, as <see cref="Fer"/> checkpoints are.
    /// </summary>
    ExportedOnnx,
}
