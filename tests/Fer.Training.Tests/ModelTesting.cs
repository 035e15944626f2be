using Fer.Training.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Fer.Training.Tests;

internal static class ModelTesting
{
    public static FerResNet Create(ResNetDepth depth, CbamPlacement cbam, long seed = 1) =>
        FerModelFactory.Create(new FerModelOptions { Depth = depth, Cbam = cbam }, seed);

    /// <summary>
    /// Gives every BatchNorm running statistics and affine parameters that are not the identity, so
    /// that an exporter that dropped or misordered them would be caught.
    /// </summary>
    public static void RandomizeBatchNorm(nn.Module model, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (_, module) in model.named_modules())
        {
            if (module is BatchNorm2d norm)
            {
                var n = norm.num_features;
                norm.running_mean!.copy_(rand([n], generator: generator).sub_(0.5).mul_(0.4));
                norm.running_var!.copy_(rand([n], generator: generator).mul_(1.5).add_(0.5));
                norm.weight!.copy_(rand([n], generator: generator).add_(0.5));
                norm.bias!.copy_(rand([n], generator: generator).sub_(0.5).mul_(0.4));
            }
        }
    }

    public static Tensor Input(int batch, int size, long seed)
    {
        using var generator = new Generator((ulong)seed);
        return randn([batch, 3, size, size], generator: generator);
    }

    public static float[] Run(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        model.eval();
        using var noGrad = no_grad();
        using var output = model.call(input);
        return output.data<float>().ToArray();
    }
}
