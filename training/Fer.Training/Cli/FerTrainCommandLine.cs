using System.CommandLine;
using Azure;
using Fer.Inference;
using Fer.Inference.Models;
using Fer.Training.Onnx;
using Fer.Training.Weights;

namespace Fer.Training.Cli;

/// <summary>The fer-train command tree and how its errors become one line and an exit code.</summary>
internal static class FerTrainCommandLine
{
    public static RootCommand Build() => new("fer-train: train, evaluate and export the Fer emotion model (ResNet + CBAM, TorchSharp).")
    {
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        CalibrateCommand.Create(),
        ExportCommand.Create(),
        ExportFaceDetectorCommand.Create(),
        ExportFaceLandmarksCommand.Create(),
        QuantizeCommand.Create(),
    };

    public static int Run(string[] args)
    {
        try
        {
            return Build().Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (RunNotFoundException e)
        {
            Console.Error.WriteLine($"fer-train: {e.Message}");
            return ExitCodes.NoSuchRun;
        }
        catch (Exception e) when (e is WeightsMismatchException or DirectoryNotFoundException or InvalidOperationException or UnsupportedModuleException or InvalidDataException
                                   or FileNotFoundException or InvalidModelManifestException or InvalidModelException or UnknownLabelException or ArgumentException)
        {
            Console.Error.WriteLine($"fer-train: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException { InnerException: RequestFailedException or HttpRequestException })
        {
            Console.Error.WriteLine($"fer-train: storage is not reachable or refused the request: {(e as AggregateException)?.InnerException?.Message ?? e.Message}");
            Console.Error.WriteLine("           Check --account (and the identity's roles) or --connection-string.");
            return ExitCodes.Failure;
        }
    }
}
