using System.CommandLine;
using System.Diagnostics;
using Fer.Inference;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Onnx;
using Fer.Training.Data;
using Fer.Training.Quantization;
using Fer.Training.Training;

namespace Fer.Training.Cli;

/// <summary>
/// <c>fer-train quantize</c>: writes a static int8 (QDQ) copy of a model folder's fp32 ONNX file beside it, calibrated
/// on real inputs (a classifier's training faces, or photos and their tiles for the face detector), lists it in the
/// manifest as a variant, and shows what ONNX Runtime runs for it and how fast, next to the fp32 file.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A model version folder (manifest.json) or a face detector folder (face-detector.json).", Required = true };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Classifier: the data set whose training faces calibrate the activations." };
        var layout = new Option<string>("--layout") { Description = "Classifier: folders | rafdb | ferplus", DefaultValueFactory = _ => "folders" };
        layout.AcceptOnlyFromAmong("folders", "rafdb", "ferplus");
        var split = new Option<string>("--split") { Description = "Classifier: the split to draw calibration faces from.", DefaultValueFactory = _ => "train" };
        var samples = new Option<int>("--samples") { Description = "Classifier: how many faces to calibrate on (a seeded random choice).", DefaultValueFactory = _ => 1000 };
        var photos = new Option<DirectoryInfo[]>("--photos") { Description = "Face detector: folders of photos; each photo and its tiles calibrate the activations.", AllowMultipleArgumentsPerToken = true };
        var activations = new Option<string>("--activations") { Description = "uint8 (asymmetric) or int8 (symmetric) activations.", DefaultValueFactory = _ => "uint8" };
        activations.AcceptOnlyFromAmong("uint8", "int8");
        var quantizeAdd = new Option<bool>("--quantize-add") { Description = "Also quantise Add of two activations (residual connections)." };
        var floatHeads = new Option<bool>("--float-heads") { Description = "Leave in float the nodes that feed the outputs only through reshaping (a detector's box and class predictors)." };
        var keepFloat = new Option<string[]>("--keep-float") { Description = "Names of nodes to leave in float.", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the calibration faces' choice.", DefaultValueFactory = _ => 0 };
        var runs = new Option<int>("--timing-runs") { Description = "Runs of each model for the fp32 versus int8 median time (0: no timing).", DefaultValueFactory = _ => 50 };
        var command = new Command("quantize", "Write a static int8 (QDQ) variant of a model or face detector folder's ONNX file, calibrated on real inputs, and list it in the manifest.")
        {
            model, data, layout, split, samples, photos, activations, quantizeAdd, floatHeads, keepFloat, seed, runs,
        };
        command.SetAction(parse =>
        {
            var settings = new QuantizationSettings
            {
                Activations = parse.GetValue(activations) == "int8" ? ActivationType.Symmetric : ActivationType.Asymmetric,
                QuantizeAdd = parse.GetValue(quantizeAdd),
                FloatHeads = parse.GetValue(floatHeads),
                KeepFloat = (parse.GetValue(keepFloat) ?? []).ToHashSet(StringComparer.Ordinal),
            };
            var folder = parse.GetValue(model)!.FullName;
            var calibration = File.Exists(Path.Combine(folder, ModelManifest.FileName))
                ? ClassifierCalibration(folder, parse.GetValue(data)?.FullName, Enum.Parse<DatasetLayout>(parse.GetValue(layout)!, ignoreCase: true), parse.GetValue(split)!, parse.GetValue(samples), parse.GetValue(seed))
                : File.Exists(Path.Combine(folder, FaceDetectorManifest.FileName))
                    ? DetectorCalibration(folder, [.. (parse.GetValue(photos) ?? []).Select(d => d.FullName)])
                    : throw new FileNotFoundException($"'{folder}' holds neither {ModelManifest.FileName} (a model version folder) nor {FaceDetectorManifest.FileName} (a face detector folder).");
            return Run(folder, calibration, settings, parse.GetValue(runs));
        });
        return command;
    }

    /// <summary>A folder's fp32 file, its manifest, and the inputs that calibrate it.</summary>
    /// <param name="Photos">A detector's calibration photos, on which its int8 boxes are compared with fp32's.</param>
    private sealed record Calibration(string ManifestPath, OnnxFile Onnx, IEnumerable<float[]> Samples, int Count, int[] SampleShape, string Description, IReadOnlyList<string>? Photos = null);

    private static Calibration ClassifierCalibration(string folder, string? dataRoot, DatasetLayout layout, string split, int samples, int seed)
    {
        if (dataRoot is null)
        {
            throw new FerException("A classifier is calibrated on its training faces: give --data (and --layout, --split).");
        }

        var manifestPath = Path.Combine(folder, ModelManifest.FileName);
        var manifest = ModelManifest.Load(manifestPath);
        var files = ClassifierCalibrationFaces.Choose(dataRoot, layout, split, samples, seed);
        var size = manifest.Input.Size;
        return new Calibration(manifestPath, manifest.Onnx, ClassifierCalibrationFaces.Tensors(manifest.Input, files), files.Count, [3, size, size],
            $"{files.Count} faces of '{split}' in {Path.GetFileName(dataRoot)} ({layout.ToString().ToLowerInvariant()}, seed {seed}), preprocessed as served");
    }

    private static Calibration DetectorCalibration(string folder, IReadOnlyList<string> photoFolders)
    {
        if (photoFolders.Count == 0)
        {
            throw new FerException("A face detector is calibrated on photos: give --photos with one or more folders of photos.");
        }

        var manifestPath = Path.Combine(folder, FaceDetectorManifest.FileName);
        var manifest = FaceDetectorManifest.Load(manifestPath);
        var photos = DetectorCalibrationTiles.Photos(photoFolders);
        var tensors = DetectorCalibrationTiles.Tensors(manifest, photos).ToList();
        var size = manifest.Input.Size;
        return new Calibration(manifestPath, manifest.Onnx, tensors, tensors.Count, [3, size, size],
            $"{tensors.Count} detector inputs (each photo whole and in tiles of a third) from {photos.Count} photos: {string.Join(", ", photos.Select(Path.GetFileName))}", photos);
    }

    private static int Run(string folder, Calibration calibration, QuantizationSettings settings, int timingRuns)
    {
        var clock = Stopwatch.StartNew();
        var fp32Path = Path.Combine(folder, calibration.Onnx.File);
        var fp32 = OnnxModelFile.Read(fp32Path);
        var progress = new ProgressBar("calibrate", calibration.Count);
        var quantized = StaticQuantizer.Quantize(fp32, calibration.Samples, calibration.SampleShape, settings, done => progress.Report(done, string.Empty));
        progress.Finish(calibration.Count, string.Empty);

        var int8File = $"{Path.GetFileNameWithoutExtension(calibration.Onnx.File)}.int8.onnx";
        var int8Path = Path.Combine(folder, int8File);
        quantized.Model.Write(int8Path);
        var (fp32Bytes, int8Bytes) = (new FileInfo(fp32Path).Length, new FileInfo(int8Path).Length);
        Console.WriteLine($"Wrote {int8File}: {quantized.Plan.Ops.Count} weighted ops and {quantized.Plan.Adds.Count} adds quantised, "
            + $"{quantized.Plan.Activations.Count} activations calibrated on {calibration.Description}; {int8Bytes / 1e6:F1} MB (fp32 {fp32Bytes / 1e6:F1} MB).");

        var kernels = OptimizedKernels.Count(int8Path);
        Console.WriteLine($"ONNX Runtime runs it as: {OptimizedKernels.Describe(kernels)}.");
        if (OptimizedKernels.IntegerKernels(kernels) == 0)
        {
            throw new InvalidDataException($"ONNX Runtime runs no integer kernel for '{int8File}': the QDQ pattern was not recognised, so it would only be slower.");
        }

        if (timingRuns > 0)
        {
            var input = calibration.Samples.First();
            var (fp32Ms, int8Ms) = InferenceTiming.MedianMilliseconds(fp32Path, int8Path, input, [1, .. calibration.SampleShape], timingRuns);
            Console.WriteLine($"Median of {timingRuns} runs, one input, side by side: fp32 {fp32Ms:F2} ms, int8 {int8Ms:F2} ms ({fp32Ms / int8Ms:F2}x).");
        }

        ManifestVariants.Add(calibration.ManifestPath, new OnnxVariant
        {
            Precision = ModelPrecision.Integer8,
            File = int8File,
            Sha256 = ModelVersionFolder.Sha256Of(int8Path),
            Bytes = int8Bytes,
            Quantization = new OnnxQuantization
            {
                Weights = QuantizationSettings.WeightsDescription,
                Activations = settings.ActivationsDescription,
                Calibration = calibration.Description,
            },
        });
        Console.WriteLine($"Listed {int8File} in {Path.GetFileName(calibration.ManifestPath)} as the int8 variant ({clock.Elapsed.TotalSeconds:F1} s).");
        foreach (var photo in calibration.Photos is { } photos ? DetectorParity.Compare(folder, photos) : [])
        {
            Console.WriteLine($"  {photo.Photo}: fp32 {photo.Fp32Faces} faces, int8 {photo.Int8Faces}, {photo.Matched} matched, IoU min {photo.MinIou:F3} mean {photo.MeanIou:F3}, score differs by at most {photo.MaxScoreDifference:F3}");
        }

        return ExitCodes.Success;
    }
}
