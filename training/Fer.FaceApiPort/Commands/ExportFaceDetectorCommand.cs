using System.CommandLine;
using System.Diagnostics;

namespace Fer.FaceApiPort.Commands;

/// <summary>
/// <c>fer-train export-face-detector</c>: builds face-api's SSD MobileNet v1 face detector from its TF.js weights,
/// writes a face detector folder (ONNX, anchors, licence, face-detector.json) and fails when ONNX Runtime disagrees
/// with TorchSharp.
/// </summary>
public static class ExportFaceDetectorCommand
{
    public static Command Create()
    {
        var weights = new Option<DirectoryInfo>("--weights")
        {
            Description = "face-api's model folder with ssd_mobilenetv1_model-weights_manifest.json and its .bin "
                + "(tools/face-reference/node_modules/@vladmandic/face-api/model after npm ci --prefix tools/face-reference).",
            Required = true,
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "The face detector folder to write.", Required = true };
        var seed = new Option<long>("--seed") { Description = "Random seed of the parity inputs.", DefaultValueFactory = _ => 0 };
        var command = new Command("export-face-detector", "Export face-api's SSD MobileNet v1 face detector to ONNX from its TF.js weights, and prove parity with TorchSharp.")
        {
            weights, output, seed,
        };
        command.SetAction(parse => Run(parse.GetValue(weights)!.FullName, parse.GetValue(output)!.FullName, parse.GetValue(seed)));
        return command;
    }

    private static int Run(string weightsDirectory, string outputDirectory, long seed)
    {
        var clock = Stopwatch.StartNew();
        var (model, anchors, files) = FaceDetectorFolderWriter.LoadModel(weightsDirectory);
        using (model)
        {
            var manifest = FaceDetectorFolderWriter.Write(model, anchors, weightsDirectory, files, outputDirectory);
            Console.WriteLine($"Wrote {manifest.Onnx.File} ({manifest.Onnx.Bytes / 1e6:F1} MB), {manifest.Anchors.File} and face-detector.json "
                + $"from {manifest.Weights.Package} {manifest.Weights.Version} ({manifest.Weights.Licence}) in {clock.Elapsed.TotalSeconds:F1} s.");

            var diff = FaceDetectorParity.MaxAbsDiff(model, Path.Combine(outputDirectory, manifest.Onnx.File), batch: 1, seed);
            Console.WriteLine($"Parity TorchSharp vs ONNX Runtime: max_abs_diff {diff:E2} (tolerance {FaceDetectorParity.Tolerance:E0}).");
            if (diff > FaceDetectorParity.Tolerance)
            {
                Console.Error.WriteLine("Parity check FAILED: the ONNX graph does not reproduce the detector.");
                return PortExitCodes.ParityFailed;
            }

            return PortExitCodes.Success;
        }
    }
}
