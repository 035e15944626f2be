using System.CommandLine;
using System.Diagnostics;

namespace Fer.FaceApiPort.Commands;

/// <summary>
/// <c>fer-train export-face-landmarks</c>: builds face-api's 68-point landmark net from its TF.js weights, writes a
/// face landmark folder (ONNX, licence, face-landmarks.json) and fails when ONNX Runtime disagrees with TorchSharp.
/// </summary>
public static class ExportFaceLandmarksCommand
{
    public static Command Create()
    {
        var weights = new Option<DirectoryInfo>("--weights")
        {
            Description = "face-api's model folder with face_landmark_68_model-weights_manifest.json and its .bin "
                + "(tools/face-reference/node_modules/@vladmandic/face-api/model after npm ci --prefix tools/face-reference).",
            Required = true,
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "The face landmark folder to write.", Required = true };
        var seed = new Option<long>("--seed") { Description = "Random seed of the parity inputs.", DefaultValueFactory = _ => 0 };
        var command = new Command("export-face-landmarks", "Export face-api's 68-point face landmark net to ONNX from its TF.js weights, and prove parity with TorchSharp.")
        {
            weights, output, seed,
        };
        command.SetAction(parse => Run(parse.GetValue(weights)!.FullName, parse.GetValue(output)!.FullName, parse.GetValue(seed)));
        return command;
    }

    private static int Run(string weightsDirectory, string outputDirectory, long seed)
    {
        var clock = Stopwatch.StartNew();
        var (model, files) = FaceLandmarksFolderWriter.LoadModel(weightsDirectory);
        using (model)
        {
            var manifest = FaceLandmarksFolderWriter.Write(model, weightsDirectory, files, outputDirectory);
            Console.WriteLine($"Wrote {manifest.Onnx.File} ({manifest.Onnx.Bytes / 1e6:F1} MB) and face-landmarks.json "
                + $"from {manifest.Weights.Package} {manifest.Weights.Version} ({manifest.Weights.Licence}) in {clock.Elapsed.TotalSeconds:F1} s.");

            var diff = FaceLandmarksParity.MaxAbsDiff(model, Path.Combine(outputDirectory, manifest.Onnx.File), batch: 1, seed);
            Console.WriteLine($"Parity TorchSharp vs ONNX Runtime: max_abs_diff {diff:E2} (tolerance {FaceLandmarksParity.Tolerance:E0}).");
            if (diff > FaceLandmarksParity.Tolerance)
            {
                Console.Error.WriteLine("Parity check FAILED: the ONNX graph does not reproduce the landmark net.");
                return PortExitCodes.ParityFailed;
            }

            return PortExitCodes.Success;
        }
    }
}
