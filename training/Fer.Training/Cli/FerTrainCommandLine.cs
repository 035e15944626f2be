using System.CommandLine;
using Fer.FaceApiPort.Commands;
using Fer.Inference;

namespace Fer.Training.Cli;

/// <summary>
/// The fer-train command tree and how the faults a user can fix become one line and an exit code; anything else is a
/// bug and crashes with its stack trace.
/// </summary>
internal static class FerTrainCommandLine
{
    public static RootCommand Build() => new(
        "fer-train: train, evaluate and export the Fer facial-expression model (ResNet + CBAM, TorchSharp). Its labels name the " +
        "apparent expression (what a face shows), not a determination of the person's inner emotional state.")
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
            var parsed = Build().Parse(args);
            var exit = parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            return parsed.Errors.Count > 0 ? ExitCodes.UsageError : exit; // the parser prints the errors and help, and would say 1
        }
        catch (RunNotFoundException e)
        {
            Console.Error.WriteLine($"fer-train: {e.Message}");
            return ExitCodes.NoSuchRun;
        }
        catch (Exception e) when (UserFaults.IsStorageFault(e))
        {
            Console.Error.WriteLine($"fer-train: storage is not reachable or refused the request: {UserFaults.StorageMessage(e)}");
            Console.Error.WriteLine("           Check --account (and the identity's roles) or --connection-string.");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (UserFaults.IsUserFault(e))
        {
            Console.Error.WriteLine($"fer-train: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
