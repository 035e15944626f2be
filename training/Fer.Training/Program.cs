using System.CommandLine;
using Fer.Inference;
using Fer.Inference.Models;
using Fer.Training.Cli;
using Fer.Training.Onnx;
using Fer.Training.Weights;

var root = new RootCommand("fer-train: train, evaluate and export the Fer emotion model (ResNet + CBAM, TorchSharp).")
{
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    ExportCommand.Create(),
    ExportFaceDetectorCommand.Create(),
    ExportFaceLandmarksCommand.Create(),
};

try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is WeightsMismatchException or DirectoryNotFoundException or InvalidOperationException or UnsupportedModuleException or InvalidDataException
                           or FileNotFoundException or InvalidModelManifestException or InvalidModelException or UnknownLabelException or ArgumentException)
{
    Console.Error.WriteLine($"fer-train: {e.Message}");
    return ExitCodes.Failure;
}
