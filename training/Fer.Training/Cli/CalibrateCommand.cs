using System.CommandLine;
using Fer.Inference;
using Fer.Inference.Models;
using Fer.Training.Data;
using Fer.Training.Reporting;
using Fer.Training.Training;

namespace Fer.Training.Cli;

/// <summary>
/// <c>fer-train calibrate</c>: fits the model's temperature and its <c>uncertain</c> threshold on held-out faces as
/// served, and declares them (and optionally the photo crop chosen with <c>evaluate --photos</c>) in its manifest.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "The model version folder to calibrate; its manifest.json is rewritten.", Required = true };
        var data = new Option<DirectoryInfo>("--data") { Description = "Held-out face crops the model never trained on (e.g. FER+ val).", Required = true };
        var layout = new Option<string>("--layout") { Description = "folders | rafdb | ferplus", DefaultValueFactory = _ => "ferplus" };
        layout.AcceptOnlyFromAmong("folders", "rafdb", "ferplus");
        var split = new Option<string>("--split") { Description = "The split to fit on.", DefaultValueFactory = _ => "val" };
        var precision = new Option<double>("--target-precision")
        {
            Description = "How often confident answers must be right on these faces; answers below the threshold that achieves it are flagged uncertain (default 0.91: 0.90 with a point to spare for faces it never saw).",
            DefaultValueFactory = _ => 0.91,
        };
        var cropMargin = new Option<double?>("--crop-margin") { Description = "Also declare this photo crop margin (chosen with evaluate --photos)." };
        var cropShift = new Option<double?>("--crop-shift") { Description = "Also declare this downward crop shift (share of the face box)." };
        var cropLandmarks = new Option<string?>("--crop-landmarks") { Description = "Also declare this placement of photos' faces by their landmarks. " + PhotoInputOverride.CropLandmarksHelp };
        var nativeSize = new Option<int?>("--native-size") { Description = "Also declare that larger faces are averaged down to this size first (the training faces' resolution, 48 for FER2013 and FER+; 0 removes it)." };
        var command = new Command("calibrate", "Fit the temperature and the uncertain threshold on held-out faces and write them into the model's manifest.")
        {
            model, data, layout, split, precision, cropMargin, cropShift, cropLandmarks, nativeSize,
        };
        command.SetAction(parse => Run(
            parse.GetValue(model)!.FullName,
            parse.GetValue(data)!.FullName,
            Enum.Parse<DatasetLayout>(parse.GetValue(layout)!, ignoreCase: true),
            parse.GetValue(split)!,
            OptionParsing.Fraction(parse.GetValue(precision), "--target-precision", max: 1),
            PhotoInputOverride.Create(parse.GetValue(cropMargin), parse.GetValue(cropShift), parse.GetValue(nativeSize), parse.GetValue(cropLandmarks))));
        return command;
    }

    private static int Run(string modelDirectory, string dataRoot, DatasetLayout layout, string split, double precision, PhotoInputOverride photoInput)
    {
        var manifestPath = Path.Combine(modelDirectory, ModelManifest.FileName);
        var manifest = ModelManifest.Load(manifestPath);
        var images = DatasetScanner.Scan(dataRoot, layout, split).Images;
        IReadOnlyList<double[]> probabilities;
        List<int> truth;
        using (var serving = new ServingClassifier(modelDirectory, photos: false))
        {
            var progress = new ProgressBar("classify", images.Count);
            var predictions = ServingEvaluator.Classify(serving.Classifier, images, progress: done => progress.Report(done, string.Empty))
                .Where(p => p.Result.Status == Inference.Classification.ClassificationStatus.Classified).ToList();
            progress.Finish(images.Count, string.Empty);
            probabilities = [.. predictions.Select(p => ServingEvaluator.Probabilities(p.Result))];
            truth = [.. predictions.Select(p => p.Image.Label)];
        }

        var before = Calibration.Measure(probabilities, truth, null);
        var sharpening = Calibration.FitSharpening(probabilities, truth);
        var calibrated = Calibration.Sharpen(probabilities, sharpening);
        var temperature = (manifest.Output.Temperature ?? 1) / sharpening;
        var threshold = Calibration.ChooseThreshold(calibrated, truth, precision)
            ?? throw new InvalidDataException($"No confidence threshold makes the confident answers right {precision:P0} of the time on these {truth.Count} faces.");
        var after = Calibration.Measure(calibrated, truth, threshold);

        var updated = manifest with
        {
            Output = manifest.Output with { Temperature = Math.Round(temperature, 4), UncertainBelow = Math.Round(threshold, 4) },
            Input = photoInput.Apply(manifest.Input),
        };
        File.WriteAllText(manifestPath, updated.ToJson());

        var reportDirectory = Path.Combine(modelDirectory, "report", "calibration");
        var title = $"{manifest.Version} on {Path.GetFileName(dataRoot)}/{split}, temperature {temperature:F3}";
        Directory.CreateDirectory(reportDirectory);
        File.WriteAllText(Path.Combine(reportDirectory, "calibration.json"), FerJson.Write(new Dictionary<string, object?>
        {
            ["data"] = $"{Path.GetFileName(dataRoot)}/{split}",
            ["precisionTarget"] = precision,
            ["temperature"] = temperature,
            ["uncertainBelow"] = threshold,
            ["before"] = before,
            ["after"] = after,
        }));
        ReliabilityChart.Save(after, Path.Combine(reportDirectory, ReliabilityChart.FileName), title);
        Console.WriteLine($"{truth.Count} faces. Before: ECE {before.ExpectedCalibrationError:F4}, NLL {before.NegativeLogLikelihood:F4}. " +
                          $"Temperature {temperature:F3}: ECE {after.ExpectedCalibrationError:F4}, NLL {after.NegativeLogLikelihood:F4}.");
        Console.WriteLine($"Uncertain below {threshold:F3}: confident answers cover {after.Coverage:P1} of faces and are right on {after.ConfidentAccuracy:P1}.");
        Console.WriteLine($"Wrote {manifestPath} and {reportDirectory}.");
        return ExitCodes.Success;
    }
}
