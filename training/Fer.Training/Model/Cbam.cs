using Fer.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Model;

/// <summary>Convolutional Block Attention Module: channel attention, then spatial attention.</summary>
public sealed class Cbam : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly ChannelAttention channel_attention;
    private readonly SpatialAttention spatial_attention;

    public Cbam(long channels, int reduction = 16)
        : base(nameof(Cbam))
    {
        channel_attention = new ChannelAttention(channels, reduction);
        spatial_attention = new SpatialAttention();
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var attended = channel_attention.call(input);
        return spatial_attention.call(attended);
    }

    public string EmitOnnx(OnnxExportContext context, string input) =>
        context.Emit(spatial_attention, "spatial_attention", context.Emit(channel_attention, "channel_attention", input));
}
