using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.FaceApiPort;

/// <summary>
/// face-api's <c>boxPredictionLayer</c> for one feature map: two 1x1 convolutions with bias, giving per cell and
/// anchor 4 box encodings and 3 class logits. TF orders the flattened anchors by row, column, then anchor
/// (NHWC), so the NCHW outputs are transposed before flattening. The result is [N, H*W*anchors, 7]: the
/// 4 encodings followed by the 3 logits.
/// </summary>
public sealed class BoxPredictor : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d boxEncodingPredictor;
    private readonly Conv2d classPredictor;

    public BoxPredictor(long inChannels, long anchorsPerCell)
        : base(nameof(BoxPredictor))
    {
        boxEncodingPredictor = nn.Conv2d(inChannels, anchorsPerCell * SsdMobileNetV1.BoxEncodingCount, 1);
        classPredictor = nn.Conv2d(inChannels, anchorsPerCell * SsdMobileNetV1.ClassCount, 1);
        RegisterComponents();
    }

    public Conv2d BoxEncodingPredictor => boxEncodingPredictor;

    public Conv2d ClassPredictor => classPredictor;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var n = input.shape[0];
        var boxes = boxEncodingPredictor.call(input).permute(0, 2, 3, 1).reshape(n, -1, SsdMobileNetV1.BoxEncodingCount);
        var classes = classPredictor.call(input).permute(0, 2, 3, 1).reshape(n, -1, SsdMobileNetV1.ClassCount);
        return cat([boxes, classes], 2).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var boxes = Flatten(context, context.Emit(boxEncodingPredictor, "box_encoding_predictor", input), SsdMobileNetV1.BoxEncodingCount);
        var classes = Flatten(context, context.Emit(classPredictor, "class_predictor", input), SsdMobileNetV1.ClassCount);
        return context.Graph.Node("Concat", [boxes, classes], attributes: [OnnxAttributeValue.OfInt("axis", 2)]);
    }

    /// <summary>NCHW to NHWC, then [N, H*W*anchors, width]; 0 in the Reshape keeps the (dynamic) batch.</summary>
    private static string Flatten(OnnxExportContext context, string convolved, long width)
    {
        var graph = context.Graph;
        var nhwc = graph.Node("Transpose", [convolved], attributes: [OnnxAttributeValue.OfInts("perm", 0, 2, 3, 1)]);
        var shapeName = $"box_predictor.shape_{width}";
        var shape = graph.HasInitializer(shapeName) ? shapeName : graph.Int64Initializer(shapeName, [0, -1, width]);
        return graph.Node("Reshape", [nhwc, shape]);
    }
}
