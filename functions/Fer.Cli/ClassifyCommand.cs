using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fer.Api;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;

namespace Fer.Cli;

/// <summary><c>fer classify</c>: find and classify the faces of local files and folders offline, one line per face (or per file without one).</summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "Files or folders (searched recursively).", Arity = ArgumentArity.OneOrMore };
        var model = new Option<DirectoryInfo?>("--model") { Description = "A model version folder; default: the repository's demo model (models/demo)." };
        var format = new Option<string>("--format") { Description = "table | json (one object per line) | csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var faces = new Option<string?>("--faces") { Description = "detect | whole-image (each file is a face crop) | auto; default: the model's manifest, else detect." };
        faces.AcceptOnlyFromAmong([.. FaceFinding.All]);
        var minFaceSide = new Option<int?>("--min-face-side") { Description = "The smallest face that matters, in the photo's pixels: the detector's tiles are sized for it (fewer for large faces, more for small ones); default: tiles for wide or large photos." };
        minFaceSide.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--min-face-side must be at least 1 (px).");
            }
        });
        var annotate = new Option<DirectoryInfo?>("--annotate") { Description = "Also write a copy of each photo with its faces' boxes and labels drawn into this folder." };
        var command = new Command("classify", "Find the faces of local image files and label each with its apparent expression (what the face shows, not what the person feels), with a model folder; no storage needed.") { paths, model, format, faces, minFaceSide, annotate };
        command.SetAction(parse => Run(parse.GetValue(paths)!, parse.GetValue(model)?.FullName, parse.GetValue(format)!, Console.Out, parse.GetValue(faces), parse.GetValue(annotate)?.FullName, parse.GetValue(minFaceSide)));
        return command;
    }

    public static int Run(IReadOnlyList<string> paths, string? modelDirectory, string format, TextWriter output, string? faceFinding = null, string? annotateDirectory = null, int? minFaceSide = null)
    {
        modelDirectory ??= RepositoryPaths.Find(RepositoryPaths.DemoModel)
            ?? throw new CliException($"No --model given and no demo model found ({RepositoryPaths.DemoModel} in or above the current folder).");
        FaceDetector? detector = null;
        FaceLandmarker? landmarker = null;
        try
        {
            using var classifier = EmotionClassifier.Open(modelDirectory, faces: manifest =>
            {
                var mode = FaceFinding.Resolve(faceFinding, manifest);
                if (mode == FaceFinding.WholeImage)
                {
                    return new FaceLocator(mode, null);
                }

                detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory);
                landmarker = FaceLandmarker.LoadIfPresent(FerOptions.DefaultFaceLandmarksDirectory, message => Console.Error.WriteLine($"fer: warning: {message}"));
                return new FaceLocator(mode, detector, landmarker: landmarker, minFaceSide: minFaceSide);
            });
            return Run(classifier, Expand(paths), format, output, annotateDirectory);
        }
        finally
        {
            detector?.Dispose();
            landmarker?.Dispose();
        }
    }

    private static int Run(EmotionClassifier classifier, List<string> files, string format, TextWriter output, string? annotateDirectory)
    {
        var annotated = new HashSet<string>(StringComparer.Ordinal);
        if (format == "csv")
        {
            output.WriteLine("path,face,faceCount,boxX,boxY,boxWidth,boxHeight,detectionScore,faceSource,status,emotion,confidence,uncertain," + string.Join(',', classifier.Manifest.Labels) + ",errorCode,error,ms");
        }

        var rejected = 0;
        foreach (var file in files)
        {
            var clock = Stopwatch.StartNew();
            var results = Classify(classifier, file);
            var milliseconds = clock.Elapsed.TotalMilliseconds;
            rejected += results.Any(r => r.Status != ClassificationStatus.Classified) ? 1 : 0;
            foreach (var result in results)
            {
                output.WriteLine(format switch
                {
                    "json" => Json(file, result, milliseconds),
                    "csv" => Csv(file, result, classifier.Manifest.Labels, milliseconds),
                    _ => Table(file, result, milliseconds),
                });
            }

            if (annotateDirectory is not null && PhotoAnnotator.Write(file, results, annotateDirectory, annotated) is { } picture && format == "table")
            {
                output.WriteLine($"           annotated: {picture}");
            }
        }

        return rejected == 0 ? ExitCodes.Success : ExitCodes.SomeRejected;
    }

    /// <summary>A result per face of the file, or one saying why it has none.</summary>
    private static IReadOnlyList<ClassificationResult> Classify(EmotionClassifier classifier, string file)
    {
        try
        {
            return classifier.ClassifyPhotos([File.ReadAllBytes(file)])[0];
        }
        catch (IOException e)
        {
            return [ClassificationResult.Rejected("file-unreadable", e.Message, classifier.Version)];
        }
        catch (UnauthorizedAccessException e)
        {
            return [ClassificationResult.Rejected("file-unreadable", e.Message, classifier.Version)];
        }
    }

    private static List<string> Expand(IReadOnlyList<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new CliException($"'{path}' is neither a file nor a folder.");
            }
        }

        return files;
    }

    /// <summary>One object per face: the HTTP API's face item (docs/design.md, "Function app"), with the file and its time.</summary>
    private static string Json(string path, ClassificationResult result, double milliseconds) =>
        JsonSerializer.Serialize(new ClassifiedFileFace(path, FaceItem.From(result), Math.Round(milliseconds, 1)), FerJson.Options);

    private static string Csv(string path, ClassificationResult result, IReadOnlyList<string> labels, double milliseconds)
    {
        static string Field(string? value) => CsvText.Field(value);
        var scores = labels.Select(l => result.Scores.TryGetValue(l, out var p) ? p.ToString("F6", CultureInfo.InvariantCulture) : string.Empty);
        static string Number(double? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : string.Empty;
        var face = new[] { Number(result.FaceIndex), Number(result.FaceCount), Number(result.Box?.X), Number(result.Box?.Y), Number(result.Box?.Width), Number(result.Box?.Height), Number(result.DetectionScore), result.FaceSource ?? string.Empty };
        return string.Join(',', new[] { Field(path) }.Concat(face).Concat(new[] { result.Status, result.Emotion ?? string.Empty, result.Status == ClassificationStatus.Classified ? result.Confidence.ToString("F6", CultureInfo.InvariantCulture) : string.Empty, Flag(result.Uncertain) })
            .Concat(scores).Concat([result.ErrorCode ?? string.Empty, Field(result.Error), milliseconds.ToString("F1", CultureInfo.InvariantCulture)]));
    }

    private static string Flag(bool? value) => value is { } flag ? (flag ? "true" : "false") : string.Empty;

    private static string Table(string path, ClassificationResult result, double milliseconds) =>
        result.Status == ClassificationStatus.Classified
            ? string.Create(CultureInfo.InvariantCulture, $"{result.Emotion,-10} {result.Confidence,6:P1}{(result.Uncertain == true ? " uncertain" : string.Empty)}  {milliseconds,6:F1} ms  {path}  face {result.FaceIndex + 1}/{result.FaceCount} {Describe(result)}")
            : $"{result.Status,-10} {result.ErrorCode}  {path}: {result.Error}";

    private static string Describe(ClassificationResult result) => result.Box is not { } box
        ? string.Empty
        : result.FaceSource == FaceSources.WholeImage
            ? "(whole image)"
            : string.Create(CultureInfo.InvariantCulture, $"at {box.X},{box.Y} {box.Width}x{box.Height}");
}
