using System.Globalization;
using System.Runtime.InteropServices;
using Fer.Training.Model;
using Fer.Training.Training;
using static TorchSharp.torch;

namespace Fer.Benchmarks;

/// <summary>
/// Training images/s on CPU: ResNet-50 + Light CBAM at 112 and 224, batch 8, Adam, one optimiser step per batch.
/// </summary>
/// <remarks>
/// Each size runs in a child process. On some machines (AMD EPYC VMs) libtorch's oneDNN dies with SIGFPE while it plans
/// the backward pass of ResNet-50's strided 1x1 convolutions: its blocking heuristic for those channel counts
/// (1024 to 2048 and the like) divides by a block count that is zero there. The crash becomes a "skipped" line, and
/// the size is timed again with oneDNN off (libtorch's own convolutions), under its own name: slower, not comparable.
/// </remarks>
internal static class TrainingBenchmark
{
    public const string ChildName = "training";
    private const string OneDnnOff = "/onednn-off";

    private static readonly int[] Sizes = [112, 224];

    public static void Run(BenchmarkReport report, bool quick)
    {
        var timeout = TimeSpan.FromMinutes(quick ? 10 : 30);
        foreach (var size in Sizes)
        {
            var argument = size.ToString(CultureInfo.InvariantCulture);
            var (timing, skipped) = ChildRun.Run(ChildName, argument, quick, timeout);
            if (timing is null)
            {
                report.Skipped[Name(size, oneDnn: true)] = skipped!;
                if (skipped!.Contains("signal", StringComparison.Ordinal))
                {
                    (timing, skipped) = ChildRun.Run(ChildName, argument + OneDnnOff, quick, timeout);
                    if (timing is null)
                    {
                        report.Skipped[Name(size, oneDnn: false)] = skipped!;
                    }
                }
            }

            if (timing is not null)
            {
                report.Results.Add(timing);
            }
        }
    }

    /// <summary>One size in this process (the child's side): "224", or "224/onednn-off".</summary>
    public static Timing RunSize(string argument, bool quick)
    {
        var oneDnn = !argument.EndsWith(OneDnnOff, StringComparison.Ordinal);
        var size = int.Parse(oneDnn ? argument : argument[..^OneDnnOff.Length], CultureInfo.InvariantCulture);
        // Two threads, as in the single-process runs before (the inference section had set them), so runs compare.
        set_num_threads(2);
        if (!oneDnn)
        {
            DisableOneDnn();
        }

        using var model = FerModelFactory.Create(new FerModelOptions { Depth = ResNetDepth.ResNet50, Cbam = CbamPlacement.Light }, 1);
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-4);
        using var x = randn(8, 3, size, size);
        using var y = randint(0, 7, [8]);
        return Timing.Run(Name(size, oneDnn), 8, 1, quick ? 2 : 4, () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Trainer.SmoothedCrossEntropy(model.call(x), y, 0).backward();
            optimizer.step();
        });
    }

    private static string Name(int size, bool oneDnn) => $"train step resnet50+cbam {size} batch 8{(oneDnn ? string.Empty : " oneDNN off")}";

    /// <summary>
    /// PyTorch's torch.backends.mkldnn.enabled = False, which TorchSharp does not expose: libtorch's exported
    /// at::globalContext().setUserEnabledMkldnn(false) (Linux x64 names; elsewhere this throws and the child is skipped).
    /// </summary>
    private static unsafe void DisableOneDnn()
    {
        var library = NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cpu.so"));
        var context = ((delegate* unmanaged<nint>)NativeLibrary.GetExport(library, "_ZN2at13globalContextEv"))();
        ((delegate* unmanaged<nint, byte, void>)NativeLibrary.GetExport(library, "_ZN2at7Context20setUserEnabledMkldnnEb"))(context, 0);
    }
}
