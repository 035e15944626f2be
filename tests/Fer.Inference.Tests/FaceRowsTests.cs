using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Inference.Storage;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>A row per face in the results table, and reprocessing that leaves exactly a blob's current rows.</summary>
[Collection(AzuriteTests.Name)]
public sealed class FaceRowsTests(Azurite azurite)
{
    /// <summary>Paths whose keys start like "x.png" or sort next to its face rows.</summary>
    private static readonly string[] NeighbouringNames = ["x.pn", "x.png.jpg", "x.pngA", "x.png~1", "x.png/0000", "x.png\u00e9"];

    private static string DemoModel => Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo");

    private static byte[] Photo(string name) => File.ReadAllBytes(Path.Combine(FaceApiReference.ExpectedDirectory, name + ".input.png"));

    [Fact]
    public async Task A_blobs_rows_are_found_by_one_range_query_that_no_neighbouring_name_falls_into()
    {
        using var storage = new StorageFixture(azurite);
        EmotionRow Row(string rowKey, string path) => new() { PartitionKey = "p", RowKey = rowKey, BlobName = "p/" + path, Status = ClassificationStatus.Classified };
        var own = new[] { Row(TableKeys.FaceKey("x.png", 0), "x.png"), Row(TableKeys.FaceKey("x.png", 1), "x.png"), Row(TableKeys.FaceKey("x.png", 12), "x.png") };
        var neighbours = NeighbouringNames.Select(path => Row(TableKeys.FaceKey(path, 0), path)).ToList();
        await storage.Results.UpsertManyAsync([.. own, .. neighbours, Row(TableKeys.Encode("x.png.jpg"), "x.png.jpg")]);

        var found = await storage.Results.GetBlobRowsAsync("p", "x.png");

        Assert.Equal(own.Select(r => r.RowKey), found.Select(r => r.RowKey));
        Assert.Equal(["x.png~0000", "x.png~0001", "x.png~0012"], found.Select(r => r.RowKey));
    }

    [Fact]
    public async Task A_photo_gets_a_row_per_face_and_a_new_content_replaces_all_of_them()
    {
        using var storage = new StorageFixture(azurite, faceFinding: FaceFinding.Detect);
        await storage.Models.PublishAsync(DemoModel, promote: true);
        var blob = await storage.UploadAsync("fam/photos/obama family.png", Photo("obama_family"));

        var rows = (await storage.Pipeline.ProcessAsync(blob))!;

        Assert.Equal(["photos%2Fobama family.png~0000", "photos%2Fobama family.png~0001", "photos%2Fobama family.png~0002", "photos%2Fobama family.png~0003"], rows.Select(r => r.RowKey));
        Assert.All(rows, r => Assert.Equal((ClassificationStatus.Classified, 4, FaceSources.Detected, "fam/photos/obama family.png"), (r.Status, r.FaceCount!.Value, r.FaceSource, r.BlobName)));
        Assert.Equal([0, 1, 2, 3], rows.Select(r => r.FaceIndex!.Value));
        Assert.All(rows, r => Assert.InRange(r.BoxX!.Value + r.BoxWidth!.Value, 1, 640));
        Assert.All(rows, r => Assert.InRange(r.DetectionScore!.Value, 0.5, 1.0));
        Assert.All(rows, r => Assert.InRange(r.AlignedDegrees!.Value, -45, 45)); // the landmark folder ships beside the tests
        Assert.Equal(4, (await storage.AllRowsAsync("fam")).Count);

        // One face now: face 0 is replaced, faces 1-3 are gone.
        await storage.UploadAsync("fam/photos/obama family.png", Photo("biden_7mpx"));
        var one = Assert.Single((await storage.Pipeline.ProcessAsync(blob))!);
        Assert.Equal(("photos%2Fobama family.png~0000", 1), (one.RowKey, one.FaceCount!.Value));
        Assert.Equal(one.RowKey, Assert.Single(await storage.AllRowsAsync("fam")).RowKey);

        // No face through the batch mode: one row about the whole file, under the blob's own key.
        await storage.UploadAsync("fam/photos/obama family.png", TestImages.Png(500, 400, SKColors.Gray));
        await storage.Components.Processor.ProcessAsync("fam");
        var noFace = Assert.Single(await storage.AllRowsAsync("fam"));
        Assert.Equal(("photos%2Fobama family.png", ClassificationStatus.Rejected, ImageErrorCodes.NoFace, 0), (noFace.RowKey, noFace.Status, noFace.ErrorCode, noFace.FaceCount!.Value));
        Assert.Null(noFace.Emotion);
        Assert.Null(noFace.FaceIndex);

        // And back to four faces: the no-face row goes.
        await storage.UploadAsync("fam/photos/obama family.png", Photo("obama_family"));
        var run = await storage.Components.Processor.ProcessAsync("fam");
        Assert.Equal((1, 4), (run.Blobs, run.Classified));
        Assert.Equal(4, (await storage.AllRowsAsync("fam")).Count(r => r.FaceIndex is not null));
        Assert.Equal(4, (await storage.AllRowsAsync("fam")).Count);

        var again = await storage.Components.Processor.ProcessAsync("fam");
        Assert.Equal(1, again.UpToDate);

        var summary = await storage.Results.SummarizeAsync("fam");
        Assert.Equal((4, 1, 4), (summary.Total, summary.Images, summary.Faces));
    }
}
