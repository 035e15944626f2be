using System.Runtime.InteropServices;

namespace Fer.Training.Training;

/// <summary>
/// Turns on flush-to-zero and denormals-are-zero (FTZ/DAZ) for this thread and the threads it starts
/// afterwards, as PyTorch's <c>torch.set_flush_denormal(True)</c> does. Measured here: a ResNet-18 run
/// slowed from 155 to 45 images/s after 18 epochs because tiny values (Adam's second moments of
/// near-zero gradients) became denormal, which x86 CPUs process up to a hundred times slower.
/// Call it before the first TorchSharp operation, so that libtorch's worker threads inherit it.
/// </summary>
internal static class DenormalFlush
{
    // glibc's fenv_t on x86-64: the 28-byte x87 environment, then MXCSR.
    private const int FenvSize = 32;
    private const int MxcsrOffset = 28;
    private const uint FlushToZero = 0x8000;
    private const uint DenormalsAreZero = 0x0040;

    public static bool TryEnable()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return false;
        }

        try
        {
            var environment = new byte[FenvSize];
            if (NativeMethods.fegetenv(environment) != 0)
            {
                return false;
            }

            var mxcsr = BitConverter.ToUInt32(environment, MxcsrOffset) | FlushToZero | DenormalsAreZero;
            BitConverter.GetBytes(mxcsr).CopyTo(environment, MxcsrOffset);
            return NativeMethods.fesetenv(environment) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static class NativeMethods
    {
        [DllImport("libm.so.6", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int fegetenv([Out] byte[] environment);

        [DllImport("libm.so.6", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int fesetenv(byte[] environment);
    }
}
