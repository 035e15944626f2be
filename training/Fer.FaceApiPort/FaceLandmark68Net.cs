using Fer.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.FaceApiPort;

/// <summary>
/// face-api's <c>faceLandmark68Net</c> as a TorchSharp module, built as face-api builds it: four dense blocks
/// (32, 64, 128, 256 channels, each halving the map: 112 to 7), a 7x7 average pool (the whole map), and a fully
/// connected layer to 136 values. Input: NCHW RGB 112x112, <c>(x - mean RGB) / 255</c> of the face padded to a
/// centred square. Output: [N, 136], x0, y0, x1, y1, ... of the 68 points in 0..1 of the square input.
/// </summary>
public sealed class FaceLandmark68Net : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    public const int InputSize = 112;
    public const int PointCount = 68;
    public const int OutputWidth = PointCount * 2;

    private static readonly long[] BlockChannels = [32, 64, 128, 256];

    private readonly ModuleList<DenseBlock> dense;
    private readonly AdaptiveAvgPool2d pool;
    private readonly Linear fc;

    public FaceLandmark68Net()
        : base(nameof(FaceLandmark68Net))
    {
        var blocks = new List<DenseBlock>();
        var size = (long)InputSize;
        var channels = 3L;
        foreach (var outChannels in BlockChannels)
        {
            blocks.Add(new DenseBlock(channels, outChannels, size, isFirst: blocks.Count == 0));
            size = blocks[^1].OutputSize;
            channels = outChannels;
        }

        // face-api's avgPool(7x7, stride 2, 'valid') sees a 7x7 map, so it is the global average.
        dense = nn.ModuleList([.. blocks]);
        pool = nn.AdaptiveAvgPool2d(1);
        fc = nn.Linear(channels, OutputWidth);
        RegisterComponents();
    }

    public DenseBlock Dense(int index) => dense[index];

    public int DenseCount => dense.Count;

    public Linear Fc => fc;

    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ndim != 4 || input.shape[1] != 3 || input.shape[2] != InputSize || input.shape[3] != InputSize)
        {
            throw new ArgumentException($"The landmark net takes [N, 3, {InputSize}, {InputSize}], not [{string.Join(", ", input.shape)}]: its 'same' paddings are fixed for that size.", nameof(input));
        }

        using var scope = NewDisposeScope();
        var x = input;
        foreach (var block in dense)
        {
            x = block.call(x);
        }

        return fc.call(pool.call(x).flatten(1)).MoveToOuterDisposeScope();
    }

    public string EmitOnnx(OnnxExportContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var x = input;
        for (var i = 0; i < dense.Count; i++)
        {
            x = context.Emit(dense[i], $"dense.{i}", x);
        }

        var pooled = context.Emit(pool, "pool", x);
        var flat = context.Graph.Node("Flatten", [pooled], attributes: [OnnxAttributeValue.OfInt("axis", 1)]);
        return context.Emit(fc, "fc", flat);
    }
}
