using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Pipeline;
using Fer.Inference.Preprocessing;
using Fer.Inference.Storage;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

[Collection(AzuriteTests.Name)]
public sealed class PipelineTests(Azurite azurite) : IDisposable
{
    private readonly TempFolder models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task An_upload_becomes_one_row_with_every_column_and_reprocessing_keeps_one_row()
    {
        using var storage = new StorageFixture(azurite);
        var manifest = TestModels.Export(models.Sub("a"), seed: 1);
        await storage.Models.PublishAsync(models.Sub("a"), promote: true);
        var blob = await storage.UploadAsync("batch-1/people/face 1.jpg", TestImages.Jpeg(64, 48, SKColors.Orange));

        var row = Assert.Single((await storage.Pipeline.ProcessAsync(blob))!);
        await storage.Pipeline.ProcessAsync(blob);

        var rows = await storage.AllRowsAsync("batch-1");
        var stored = Assert.Single(rows);
        Assert.Equal(ClassificationStatus.Classified, stored.Status);
        Assert.Equal("batch-1/people/face 1.jpg", stored.BlobName);
        Assert.Equal("people%2Fface 1.jpg~0000", stored.RowKey); // the blob's key extended by its face index
        Assert.Equal((0, 1, FaceSources.WholeImage), (stored.FaceIndex, stored.FaceCount, stored.FaceSource));
        Assert.Null(stored.AlignedDegrees); // a whole image is not turned
        Assert.Equal((0, 0, 64, 48), (stored.BoxX, stored.BoxY, stored.BoxWidth, stored.BoxHeight));
        Assert.Equal(manifest.Version, stored.ModelVersion);
        Assert.Equal((64, 48), (stored.Width, stored.Height));
        Assert.Contains(stored.Emotion, EmotionLabels.Canonical);
        var scores = EmotionLabels.Canonical.Select(l => stored.Score(l)!.Value).ToList();
        Assert.Equal(1.0, scores.Sum(), 6);
        Assert.Equal(scores.Max(), stored.Confidence!.Value, 9);
        Assert.False(string.IsNullOrEmpty(stored.BlobETag));
        Assert.Equal(row.ProcessedAt, stored.ProcessedAt); // the second pass found the work done and wrote nothing
    }

    [Fact]
    public async Task Bad_inputs_and_awkward_names_end_as_specific_rows_and_never_throw()
    {
        using var storage = new StorageFixture(azurite);
        TestModels.Export(models.Sub("a"), seed: 2);
        await storage.Models.PublishAsync(models.Sub("a"), promote: true);
        var jpeg = TestImages.NoisyJpeg(60, 60);
        var cases = new (string Name, byte[] Content, string Status, string? Code)[]
        {
            ("bad/empty.jpg", [], ClassificationStatus.Rejected, ImageErrorCodes.Empty),
            ("bad/text.jpg", "not an image"u8.ToArray(), ClassificationStatus.Rejected, ImageErrorCodes.NotAnImage),
            ("bad/doc.png", "%PDF-1.4\n%\u00e2\u00e3"u8.ToArray(), ClassificationStatus.Rejected, ImageErrorCodes.NotAnImage),
            ("bad/truncated.jpg", jpeg[..(jpeg.Length * 2 / 3)], ClassificationStatus.Rejected, ImageErrorCodes.Corrupt),
            ("bad/bomb.png", TestImages.PngClaiming(100_000, 100_000), ClassificationStatus.Rejected, ImageErrorCodes.TooManyPixels),
            ("bad/one-pixel.png", TestImages.Png(1, 1, SKColors.White), ClassificationStatus.Classified, null),
            ("bad/sixteen-bit.png", TestImages.RawPng(8, 8, 2, 16, (x, y, c) => (ushort)(x * 8000)), ClassificationStatus.Classified, null),
            ("bad/grey.png", TestImages.RawPng(8, 8, 0, 8, (x, y, c) => (ushort)(y * 30)), ClassificationStatus.Classified, null),
            ("bad/cmyk.jpg", File.ReadAllBytes(TestImages.Fixture("cmyk.jpg")), ClassificationStatus.Classified, null),
            ("bad/alpha.png", TestImages.RawPng(8, 8, 6, 8, (x, y, c) => (ushort)(c == 3 ? x * 30 : 200)), ClassificationStatus.Classified, null),
            ("bad/animated.gif", File.ReadAllBytes(TestImages.Fixture("animated.gif")), ClassificationStatus.Classified, null),
            ("bad/rotated.jpg", TestImages.JpegWithOrientation(40, 20, 6), ClassificationStatus.Classified, null),
            ("bad/with space ünïcødé 😀 #hash ?query %20.jpg", TestImages.Png(9, 9, SKColors.Teal), ClassificationStatus.Classified, null),
            ("bad/" + new string('n', 990) + ".jpg", TestImages.Png(9, 9, SKColors.Teal), ClassificationStatus.Classified, null),
        };
        var blobs = new List<Azure.Storage.Blobs.BlobClient>();
        foreach (var (name, content, _, _) in cases)
        {
            blobs.Add(await storage.UploadAsync(name, content));
        }

        var rows = (await storage.Pipeline.ProcessBatchAsync(blobs)).Select(r => Assert.Single(r!)).ToList();

        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Equal(cases[i].Status, rows[i]!.Status);
            Assert.Equal(cases[i].Code, rows[i]!.ErrorCode);
            Assert.Equal(cases[i].Name, rows[i]!.BlobName);
        }

        Assert.Equal(cases.Length, (await storage.AllRowsAsync("bad")).Count);
        var rotated = rows[Array.FindIndex(cases, c => c.Name == "bad/rotated.jpg")];
        Assert.Equal((20, 40), (rotated.Width, rotated.Height));
    }

    [Fact]
    public async Task Two_hundred_uploads_processed_in_batches_leave_exactly_two_hundred_rows()
    {
        using var storage = new StorageFixture(azurite);
        TestModels.Export(models.Sub("a"), seed: 3);
        await storage.Models.PublishAsync(models.Sub("a"), promote: true);
        var blobs = new List<Azure.Storage.Blobs.BlobClient>();
        for (var i = 0; i < 200; i++)
        {
            blobs.Add(await storage.UploadAsync($"many/face-{i:D3}.png", TestImages.Png(24 + (i % 5), 24, new SKColor((byte)i, 100, 50))));
        }

        await storage.Pipeline.ProcessBatchAsync(blobs);
        await storage.Pipeline.ProcessBatchAsync(blobs.Take(50).ToList());

        var rows = await storage.AllRowsAsync("many");
        Assert.Equal(200, rows.Count);
        Assert.Equal(200, rows.Select(r => r.RowKey).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(ClassificationStatus.Classified, r.Status));
    }

    [Fact]
    public async Task A_promoted_model_is_picked_up_and_a_broken_one_is_refused_while_the_old_keeps_serving()
    {
        using var storage = new StorageFixture(azurite);
        var first = TestModels.Export(models.Sub("a"), seed: 4);
        var second = TestModels.Export(models.Sub("b"), seed: 5);
        await storage.Models.PublishAsync(models.Sub("a"), promote: true);
        var blob = await storage.UploadAsync("swap/face.png", TestImages.Png(30, 30, SKColors.Pink));

        Assert.Equal(first.Version, Assert.Single((await storage.Pipeline.ProcessAsync(blob))!).ModelVersion);

        await storage.Models.PublishAsync(models.Sub("b"), promote: true);
        Assert.Equal(second.Version, Assert.Single((await storage.Pipeline.ProcessAsync(blob))!).ModelVersion);
        Assert.Single(await storage.AllRowsAsync("swap"));

        // A third version whose ONNX file is damaged after publishing: refused, the second keeps serving.
        var third = TestModels.Export(models.Sub("c"), seed: 6);
        await storage.Models.PublishAsync(models.Sub("c"), promote: false);
        await storage.Models.Container.GetBlobClient($"fer/{third.Version}/model.onnx").UploadAsync(BinaryData.FromString("garbage"), overwrite: true);
        await storage.Models.PromoteAsync(third.Version);
        await storage.Provider.RefreshAsync();

        Assert.Equal(second.Version, storage.Provider.Health.Version);
        Assert.Contains("cannot be served: 'model.onnx' has 7 bytes", storage.Provider.Health.LastError, StringComparison.Ordinal);
        Assert.Equal(second.Version, Assert.Single((await storage.Pipeline.ProcessAsync(await storage.UploadAsync("swap/other.png", TestImages.Png(30, 30, SKColors.Red))))!).ModelVersion);
    }

    [Fact]
    public async Task Without_a_model_nothing_is_written_as_classified_and_the_caller_is_told_to_retry()
    {
        using var storage = new StorageFixture(azurite);
        var blob = await storage.UploadAsync("none/face.png", TestImages.Png(30, 30, SKColors.Pink));

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => storage.Pipeline.ProcessAsync(blob));

        Assert.Contains("fer model publish", error.Message, StringComparison.Ordinal);
        var row = Assert.Single(await storage.AllRowsAsync("none"));
        Assert.Equal(ClassificationStatus.Failed, row.Status);
        Assert.Equal("model-unavailable", row.ErrorCode);
        Assert.Null(row.Emotion);
    }

    [Fact]
    public async Task Results_are_filtered_paged_and_summarised_with_hostile_filter_values_escaped()
    {
        using var storage = new StorageFixture(azurite);
        TestModels.Export(models.Sub("a"), seed: 7);
        await storage.Models.PublishAsync(models.Sub("a"), promote: true);
        var blobs = new List<Azure.Storage.Blobs.BlobClient>();
        for (var i = 0; i < 12; i++)
        {
            blobs.Add(await storage.UploadAsync($"q/{i:D2}.png", i < 10 ? TestImages.Png(20, 20, new SKColor((byte)(i * 20), 30, 30)) : [1, 2, 3]));
        }

        var rows = await storage.Pipeline.ProcessBatchAsync(blobs);
        var summary = await storage.Results.SummarizeAsync("q");
        var first = await storage.Results.QueryAsync("q", null, null, pageSize: 5, continuationToken: null);
        var second = await storage.Results.QueryAsync("q", null, null, pageSize: 5, first.ContinuationToken);
        var rejected = await storage.Results.QueryAsync("q", null, ClassificationStatus.Rejected, 100, null);
        var hostile = await storage.Results.QueryAsync("q", "x' or PartitionKey ne 'q", null, 100, null);
        var emotion = rows[0]![0].Emotion!;

        Assert.Equal((12, 12, 10), (summary.Total, summary.Images, summary.Faces));
        Assert.Equal(10, summary.ByStatus[ClassificationStatus.Classified]);
        Assert.Equal(2, summary.ByStatus[ClassificationStatus.Rejected]);
        Assert.Equal(10, summary.ByEmotion.Values.Sum());
        Assert.InRange(summary.MeanConfidence!.Value, 1.0 / 7, 1.0);
        Assert.Equal(5, first.Rows.Count);
        Assert.Equal(5, second.Rows.Count);
        Assert.Empty(first.Rows.Select(r => r.RowKey).Intersect(second.Rows.Select(r => r.RowKey)));
        Assert.Equal(2, rejected.Rows.Count);
        Assert.Empty(hostile.Rows);
        Assert.All((await storage.Results.QueryAsync("q", emotion, null, 100, null)).Rows, r => Assert.Equal(emotion, r.Emotion));
    }
}

/// <summary>A temp folder with named sub-folders, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fer-" + Guid.NewGuid().ToString("N"));

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
