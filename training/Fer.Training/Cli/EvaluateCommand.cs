using System.CommandLine;
using System.Diagnostics;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Training.Data;
using Fer.Training.Reporting;
using Fer.Training.Training;

namespace Fer.Training.Cli;

/// <summary>
/// <c>fer-train evaluate</c>: an exported ONNX model on any labelled data, through Fer.Inference
/// exactly as serving runs it (same checks, same preprocessing, same runtime): face crops, or with
/// <c>--photos</c> full photos through detection, alignment and the manifest's crop.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A model version folder (model.onnx + manifest.json).", Required = true };
        var data = new Option<DirectoryInfo>("--data") { Description = "The data set's root folder.", Required = true };
        var layout = new Option<string>("--layout") { Description = "folders | rafdb | ferplus (label.csv with ten votes per face beside the images)", DefaultValueFactory = _ => "folders" };
        layout.AcceptOnlyFromAmong("folders", "rafdb", "ferplus");
        var split = new Option<string>("--split") { Description = "The split to evaluate.", DefaultValueFactory = _ => "test" };
        var only = new Option<FileInfo?>("--only") { Description = "Evaluate only the images listed (path relative to --data, a tab, the label), e.g. a run's test-split.txt." };
        var photos = new Option<bool>("--photos") { Description = "The images are photos: find the faces as serving does and score the largest one; a photo without a face counts as wrong." };
        var cropMargin = new Option<double?>("--crop-margin") { Description = "With --photos: try this crop margin instead of the manifest's (tuning; see fer-train calibrate --crop-margin)." };
        var cropShift = new Option<double?>("--crop-shift") { Description = "With --photos: try this downward shift of the crop instead of the manifest's (share of the face box)." };
        var cropLandmarks = new Option<string?>("--crop-landmarks") { Description = "With --photos: try this instead of the manifest's. " + PhotoInputOverride.CropLandmarksHelp };
        var nativeSize = new Option<int?>("--native-size") { Description = "Try averaging larger faces down to this size first instead of the manifest's input.nativeSize (tuning)." };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write metrics.json; the text report, confusion matrix and reliability diagram go beside it." };
        var precision = new Option<string>("--precision") { Description = "Which ONNX file of the model runs: int8 (its int8 variant where the manifest lists one, as serving) or fp32.", DefaultValueFactory = _ => ModelPrecision.Default };
        precision.AcceptOnlyFromAmong([.. ModelPrecision.All]);
        var detectorPrecision = new Option<string>("--detector-precision") { Description = "With --photos: which ONNX file of the face detector runs: fp32 (as serving by default) or int8.", DefaultValueFactory = _ => ModelPrecision.Fp32 };
        detectorPrecision.AcceptOnlyFromAmong([.. ModelPrecision.All]);
        var command = new Command("evaluate", "Evaluate an exported model on labelled images or photos, as serving would classify them, with calibration.")
        {
            model, data, layout, split, only, photos, cropMargin, cropShift, cropLandmarks, nativeSize, output, precision, detectorPrecision,
        };
        command.SetAction(parse => Run(
            parse.GetValue(model)!.FullName,
            parse.GetValue(data)!.FullName,
            Enum.Parse<DatasetLayout>(parse.GetValue(layout)!, ignoreCase: true),
            parse.GetValue(split)!,
            parse.GetValue(only)?.FullName,
            parse.GetValue(photos),
            PhotoInputOverride.Create(parse.GetValue(cropMargin), parse.GetValue(cropShift), parse.GetValue(nativeSize), parse.GetValue(cropLandmarks)),
            parse.GetValue(output)?.FullName,
            parse.GetValue(precision)!,
            parse.GetValue(detectorPrecision)!));
        return command;
    }

    private static string CropDescription(FaceCropGeometry crop) => crop.Landmarks is { } placed
        ? $"crop by landmarks {placed.Side:0.###}:{placed.Centre:0.###}"
        : $"crop margin {crop.Margin:0.##} shift {crop.ShiftY:0.##}";

    private static int Run(string modelDirectory, string dataRoot, DatasetLayout layout, string split, string? only, bool photos, PhotoInputOverride photoInput, string? output, string precision, string detectorPrecision)
    {
        var clock = Stopwatch.StartNew();
        if (!photos && photoInput.ChangesCrop)
        {
            throw new FerException("--crop-margin, --crop-shift and --crop-landmarks need --photos: face crops are classified whole.");
        }

        using var serving = new ServingClassifier(modelDirectory, photos, photoInput.IsEmpty ? null : manifest => manifest with { Input = photoInput.Apply(manifest.Input) }, precision, detectorPrecision);
        var classifier = serving.Classifier;
        var images = only is not null ? ReadList(dataRoot, only) : DatasetScanner.Scan(dataRoot, layout, split).Images;
        var progress = new ProgressBar("evaluate", images.Count);
        var predictions = photos
            ? ServingEvaluator.ClassifyPhotos(classifier, images, progress: done => progress.Report(done, string.Empty))
            : ServingEvaluator.Classify(classifier, images, progress: done => progress.Report(done, string.Empty));
        progress.Finish(images.Count, string.Empty);
        var classified = predictions.Where(p => p.Result.Status == ClassificationStatus.Classified).ToList();
        var truth = classified.Select(p => p.Image.Label).ToList();
        var predicted = classified.Select(p => ServingEvaluator.LabelIndex(p.Result)).ToList();
        var notClassified = predictions.Where(p => p.Result.Status != ClassificationStatus.Classified).ToList();
        var rejected = notClassified.Select(p => $"{p.Image.Path}: {p.Result.ErrorCode}: {p.Result.Error}").ToList();

        var metrics = ClassificationMetrics.Compute(truth, predicted, EmotionLabels.Canonical);
        var calibration = Calibration.Measure([.. classified.Select(p => ServingEvaluator.Probabilities(p.Result))], truth, classifier.Manifest.Output.UncertainBelow);
        var metricsPath = output ?? Path.Combine(modelDirectory, "evaluation", ReportWriter.MetricsFile);
        var reportDirectory = Path.GetDirectoryName(Path.GetFullPath(metricsPath))!;
        var geometry = classifier.Manifest.Input.CropGeometry;
        var what = only is not null ? Path.GetFileName(only) : split;
        var title = $"{classifier.Version} ({classifier.Manifest.Onnx.Choose(precision).Precision}) on {Path.GetFileName(dataRoot)}/{what}{(photos ? $" photos, {CropDescription(geometry)}" : string.Empty)}{(classifier.Manifest.Input.NativeSize is { } n ? $", native {n} px" : string.Empty)} ({truth.Count} images)";
        var allImagesAccuracy = predictions.Count == 0 ? 0 : (double)predicted.Where((p, i) => p == truth[i]).Count() / predictions.Count;
        ReportWriter.Write(reportDirectory, metrics, title, new Dictionary<string, object?>
        {
            ["modelVersion"] = classifier.Version,
            ["data"] = Path.GetFileName(dataRoot),
            ["split"] = what,
            ["photos"] = photos,
            ["precision"] = classifier.Manifest.Onnx.Choose(precision).Precision,
            ["detectorPrecision"] = photos ? detectorPrecision : null,
            ["crop"] = photos ? geometry : null,
            ["images"] = predictions.Count,
            ["notClassified"] = notClassified.Count,

            // A photo whose face was not found is a wrong answer for its user: this counts it so.
            ["accuracyOfAllImages"] = allImagesAccuracy,
            ["calibration"] = calibration,
            ["rejectedImages"] = rejected,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        }, metricsPath);
        ReliabilityChart.Save(calibration, Path.Combine(reportDirectory, ReliabilityChart.FileName), title);
        Console.WriteLine(title);
        Console.WriteLine(metrics.ToReportText());
        Console.WriteLine($"All {predictions.Count} images (not classified count as wrong): accuracy {allImagesAccuracy:F4}; {notClassified.Count} not classified.");
        Console.WriteLine($"Calibration: ECE {calibration.ExpectedCalibrationError:F4}" + (calibration.UncertainBelow is { } t
            ? $"; uncertain below {t:F3}: confident answers {calibration.Coverage:P1} of faces, right on {calibration.ConfidentAccuracy:P1}."
            : " (the manifest sets no uncertain threshold)."));
        foreach (var line in rejected.Take(20))
        {
            Console.WriteLine($"  not classified: {line}");
        }

        Console.WriteLine($"Wrote {metricsPath} ({clock.Elapsed.TotalSeconds:F1} s).");
        return ExitCodes.Success;
    }

    private static List<LabelledImage> ReadList(string root, string listFile) =>
        File.ReadLines(listFile)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => line.Split('\t'))
            .Select(fields => new LabelledImage(Path.Combine(root, fields[0]), EmotionLabels.FromFolderName(fields.Length > 1 ? fields[1] : string.Empty)))
            .ToList();
}
