using System.Text.Json;
using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Cli.Tests;

[Collection(AzuriteTests.Name)] // one at a time: these tests redirect the console
public sealed class CliTests(Azurite azurite) : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "fer-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Classify_prints_one_json_object_per_face_with_its_box_and_no_face_for_a_blank_image()
    {
        Directory.CreateDirectory(root);
        var photo = Path.Combine(FaceApiReference.ExpectedDirectory, "obama_family.input.png");
        var blank = Path.Combine(root, "blank.png");
        File.WriteAllBytes(blank, TestImages.Png(640, 480, SKColors.LightGray));
        var demo = Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo");

        var annotated = Path.Combine(root, "annotated");

        using var output = new StringWriter();
        var exit = ClassifyCommand.Run([photo, blank], demo, "json", output, annotateDirectory: annotated);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(ExitCodes.SomeRejected, exit);
        var faces = lines.Where(l => l.GetProperty("path").GetString() == photo).ToList();
        Assert.Equal([0, 1, 2, 3], faces.Select(f => f.GetProperty("face").GetInt32()));
        Assert.All(faces, f => Assert.Equal("classified", f.GetProperty("status").GetString()));
        Assert.All(faces, f => Assert.InRange(f.GetProperty("box").GetProperty("height").GetInt32(), 60, 120));
        Assert.All(faces, f => Assert.Equal(7, f.GetProperty("scores").EnumerateObject().Count()));

        // The demo model is calibrated: each face says whether it is uncertain, as its confidence and the manifest's threshold say.
        var threshold = Fer.Inference.Models.ModelManifest.Load(Path.Combine(demo, "manifest.json")).Output.UncertainBelow!.Value;
        Assert.All(faces, f => Assert.Equal(f.GetProperty("confidence").GetDouble() < threshold, f.GetProperty("uncertain").GetBoolean()));
        using var table = new StringWriter();
        ClassifyCommand.Run([photo], demo, "table", table);
        Assert.Equal(faces.Count(f => f.GetProperty("uncertain").GetBoolean()), table.ToString().Split('\n').Count(l => l.Contains(" uncertain ", StringComparison.Ordinal)));
        var none = Assert.Single(lines, l => l.GetProperty("path").GetString() == blank);
        Assert.Equal(("rejected", "no-face"), (none.GetProperty("status").GetString(), none.GetProperty("errorCode").GetString()));
        Assert.Equal(JsonValueKind.Null, none.GetProperty("box").ValueKind);
        using var drawn = SKBitmap.Decode(Path.Combine(annotated, "obama_family.input.annotated.jpg"));
        Assert.Equal((640, 427), (drawn.Width, drawn.Height));
        var box = faces[0].GetProperty("box");
        var edge = drawn.GetPixel(box.GetProperty("x").GetInt32() + (box.GetProperty("width").GetInt32() / 2), box.GetProperty("y").GetInt32() + box.GetProperty("height").GetInt32());
        Assert.True(edge.Red > 180 && edge.Green > 180 && edge.Blue < 110, $"the box's bottom edge is drawn in yellow, found {edge}");
        Assert.True(File.Exists(Path.Combine(annotated, "blank.annotated.jpg")));
    }

    [Fact]
    public void Classify_prints_one_json_line_per_file_and_classifies_every_good_one()
    {
        var model = Path.Combine(root, "model");
        TestModels.Export(model, seed: 1);
        var folder = Path.Combine(root, "mixed");
        Directory.CreateDirectory(Path.Combine(folder, "nested dir"));
        var good = new Dictionary<string, byte[]>
        {
            ["face.jpg"] = TestImages.Jpeg(40, 50, SKColors.Peru),
            ["nested dir/ünïcødé #1.png"] = TestImages.Png(12, 12, SKColors.Navy),
            ["cmyk.jpg"] = File.ReadAllBytes(TestImages.Fixture("cmyk.jpg")),
            ["animated.gif"] = File.ReadAllBytes(TestImages.Fixture("animated.gif")),
            ["rotated.jpg"] = TestImages.JpegWithOrientation(30, 10, 8),
        };
        var bad = new Dictionary<string, (byte[] Content, string Code)>
        {
            ["empty.jpg"] = ([], ImageErrorCodes.Empty),
            ["notes.jpg"] = ("hello"u8.ToArray(), ImageErrorCodes.NotAnImage),
            ["bomb.png"] = (TestImages.PngClaiming(100_000, 100_000), ImageErrorCodes.TooManyPixels),
        };
        foreach (var (name, content) in good)
        {
            File.WriteAllBytes(Path.Combine(folder, name), content);
        }

        foreach (var (name, value) in bad)
        {
            File.WriteAllBytes(Path.Combine(folder, name), value.Content);
        }

        using var output = new StringWriter();
        var exit = ClassifyCommand.Run([folder], model, "json", output, FaceFinding.WholeImage); // generated images hold no face: decoding is under test

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(ExitCodes.SomeRejected, exit);
        Assert.Equal(good.Count + bad.Count, lines.Count);
        foreach (var line in lines)
        {
            var name = Path.GetRelativePath(folder, line.GetProperty("path").GetString()!);
            foreach (var property in new[] { "path", "status", "emotion", "confidence", "scores", "errorCode", "error" })
            {
                Assert.True(line.TryGetProperty(property, out _), $"{name} lacks {property}");
            }

            if (good.ContainsKey(name))
            {
                Assert.Equal(ClassificationStatus.Classified, line.GetProperty("status").GetString());
                Assert.Equal(7, line.GetProperty("scores").EnumerateObject().Count());
            }
            else
            {
                Assert.Equal(ClassificationStatus.Rejected, line.GetProperty("status").GetString());
                Assert.Equal(bad[name].Code, line.GetProperty("errorCode").GetString());
            }
        }
    }

    [Fact]
    public void Classify_csv_keeps_a_file_name_that_looks_like_a_formula_as_quoted_text()
    {
        var model = Path.Combine(root, "model");
        TestModels.Export(model, seed: 3);

        // A folder named like a formula, given as a relative path: every path printed starts with its name.
        var folder = "=HYPERLINK(\"http:evil\",\"x\")-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "@face,1.png"), TestImages.Png(12, 12, SKColors.Navy));
            using var output = new StringWriter();

            Assert.Equal(ExitCodes.Success, ClassifyCommand.Run([folder], model, "csv", output, FaceFinding.WholeImage));

            var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("path,face,", lines[0], StringComparison.Ordinal);
            Assert.StartsWith($"\"'{folder.Replace("\"", "\"\"", StringComparison.Ordinal)}/@face,1.png\",0,1,", Assert.Single(lines[1..]), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Upload_process_and_results_handle_two_hundred_images()
    {
        var model = Path.Combine(root, "model");
        TestModels.Export(model, seed: 2);
        var folder = Path.Combine(root, "faces");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < 200; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"face-{i:D3}.png"), TestImages.Png(20, 20, new SKColor((byte)i, 80, 160)));
        }

        var batch = "cli" + Guid.NewGuid().ToString("N")[..8];
        var storage = new[] { "--connection-string", azurite.ConnectionString };
        Assert.Equal(0, await Run(["model", "publish", model, "--promote", .. storage]));
        Assert.Equal(0, await Run(["upload", folder, "--batch", batch, .. storage]));
        var (exit, processed) = await Capture(["process", "--batch", batch, "--faces", "whole-image", .. storage]); // generated images: no face to detect
        var (_, again) = await Capture(["process", "--batch", batch, "--faces", "whole-image", .. storage]);
        var (_, rows) = await Capture(["results", "--batch", batch, "--format", "json", .. storage]);
        var (_, summary) = await Capture(["results", "--batch", batch, "--summary", .. storage]);
        var (_, summaryJson) = await Capture(["results", "--batch", batch, "--summary", "--format", "json", .. storage]);

        Assert.Equal(0, exit);
        Assert.Contains("200 blob(s), 0 already up to date, 200 classified", processed, StringComparison.Ordinal);
        Assert.Contains("200 blob(s), 200 already up to date, 0 classified", again, StringComparison.Ordinal);
        Assert.Equal(200, rows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("200 image(s), 200 face(s), 200 row(s); 200 classified", summary, StringComparison.Ordinal);

        // The JSON lines are the routes' answers: camelCase, as the results and summary routes spell them.
        var row = JsonDocument.Parse(rows.Split('\n')[0]).RootElement;
        Assert.StartsWith($"{batch}/face-", row.GetProperty("blobName").GetString(), StringComparison.Ordinal);
        Assert.Equal("classified", row.GetProperty("status").GetString());
        var counts = JsonDocument.Parse(summaryJson).RootElement;
        Assert.Equal((200, 200), (counts.GetProperty("images").GetInt32(), counts.GetProperty("byStatus").GetProperty("classified").GetInt32()));
        Assert.Equal(JsonValueKind.Number, counts.GetProperty("meanConfidence").ValueKind);
    }

    [Fact]
    public async Task Batch_delete_removes_the_batchs_blobs_and_rows_and_nothing_of_another_batch()
    {
        var model = Path.Combine(root, "model-delete");
        TestModels.Export(model, seed: 3);
        var folder = Path.Combine(root, "delete-faces");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < 3; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"face-{i}.png"), TestImages.Png(20, 20, new SKColor((byte)(i * 50), 0, 0)));
        }

        var (gone, kept) = ("del" + Guid.NewGuid().ToString("N")[..8], "keep" + Guid.NewGuid().ToString("N")[..8]);
        var storage = new[] { "--connection-string", azurite.ConnectionString };
        Assert.Equal(0, await Run(["model", "publish", model, "--promote", .. storage]));
        foreach (var batch in new[] { gone, kept })
        {
            Assert.Equal(0, await Run(["upload", folder, "--batch", batch, .. storage]));
            Assert.Equal(0, await Run(["process", "--batch", batch, "--faces", "whole-image", .. storage]));
        }

        var (exit, deleted) = await Capture(["batch", "delete", gone, .. storage]);
        var (_, goneRows) = await Capture(["results", "--batch", gone, "--format", "json", .. storage]);
        var (_, keptRows) = await Capture(["results", "--batch", kept, "--format", "json", .. storage]);
        var (_, reprocessed) = await Capture(["process", "--batch", gone, "--faces", "whole-image", .. storage]);
        var (invalidExit, _, invalid) = await CaptureAll(["batch", "delete", "..", .. storage]);

        Assert.Equal(0, exit);
        Assert.Contains($"Batch '{gone}': deleted 3 blob(s) and 3 row(s).", deleted, StringComparison.Ordinal);
        Assert.Empty(goneRows.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, keptRows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("0 blob(s)", reprocessed, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, invalidExit);
        Assert.Contains("is not a batch", invalid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_classifies_every_face_of_the_sample_photos_and_draws_them()
    {
        var (exit, output) = await Capture(["demo", "--connection-string", azurite.ConnectionString]);

        Assert.Equal(0, exit);
        Assert.Contains("Uploaded 3 sample photos", output, StringComparison.Ordinal);
        Assert.Matches(@"fer serve +then open http://127\.0\.0\.1:7071/api/ui", output);
        var pictures = output.Split('\n')
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^\s+(\S+\.annotated\.jpg)\s+\((\d+) face\(s\)\)"))
            .Where(match => match.Success)
            .ToDictionary(match => Path.GetFileName(match.Groups[1].Value), match => (Path: match.Groups[1].Value, Faces: int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(4, pictures["obama_family.annotated.jpg"].Faces);
        Assert.Equal(1, pictures["biden_7mpx.annotated.jpg"].Faces);
        Assert.InRange(pictures["group_10mpx.annotated.jpg"].Faces, 27, 33);
        using var drawn = SKBitmap.Decode(pictures["group_10mpx.annotated.jpg"].Path);
        Assert.Equal((4844, 2022), (drawn.Width, drawn.Height));
        Directory.Delete(Path.GetDirectoryName(pictures["group_10mpx.annotated.jpg"].Path)!, recursive: true);
    }

    [Fact]
    public async Task Classify_sizes_the_tiles_for_the_smallest_face_that_matters_and_refuses_a_size_below_one_pixel()
    {
        var group = Path.Combine(FaceApiReference.RepositoryRoot, "samples", "photos", "group_10mpx.jpg");
        var demo = Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo");

        // Faces of 300 px and more: the whole-image pass sees them large enough, so no tiles, and the group photo's faces
        // (80-120 px) are mostly missed; the default rule tiles the photo and finds far more of them.
        using var large = new StringWriter();
        ClassifyCommand.Run([group], demo, "json", large, minFaceSide: 300);
        using var unset = new StringWriter();
        ClassifyCommand.Run([group], demo, "json", unset);
        Assert.True(FaceLines(large) < FaceLines(unset), $"{FaceLines(large)} faces for faces of 300 px, {FaceLines(unset)} by default");

        var (exit, _, error) = await CaptureAll(["classify", group, "--min-face-side", "0"]);
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("--min-face-side must be at least 1", error, StringComparison.Ordinal);

        static int FaceLines(StringWriter output) => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Count(line => JsonDocument.Parse(line).RootElement.GetProperty("face").ValueKind == JsonValueKind.Number);
    }

    [Fact]
    public async Task Errors_are_one_clear_line_and_exit_one()
    {
        var (exit, _, error) = await CaptureAll(["classify", Path.Combine(root, "absent"), "--model", Path.Combine(root, "no-model")]);
        var (promoteExit, _, promoteError) = await CaptureAll(["model", "promote", "no-such-version", "--connection-string", azurite.ConnectionString]);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.StartsWith("fer: Model manifest", error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, promoteExit);
        Assert.Contains("'no-such-version' is not published", promoteError, StringComparison.Ordinal);
    }

    private static async Task<int> Run(string[] args) => (await Capture(args)).Exit;

    private static async Task<(int Exit, string Output)> Capture(string[] args)
    {
        var (exit, output, _) = await CaptureAll(args);
        return (exit, output);
    }

    private static Task<(int Exit, string Output, string Error)> CaptureAll(string[] args) =>
        ConsoleCapture.RunAsync(() => FerCommandLine.RunAsync(args));
}
