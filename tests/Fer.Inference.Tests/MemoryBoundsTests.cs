using System.Diagnostics;
using System.Text.Json;
using Fer.Inference.Classification;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>
/// Large images are decoded no larger than detection and the crops need, every decode reserves its estimated bytes from
/// one budget, and one image's failure is that image's answer alone.
/// </summary>
public sealed class MemoryBoundsTests : IDisposable
{
    /// <summary>The aim for eight 40-megapixel PNGs at once; they took 1,988 MB before decoding was reduced.</summary>
    private const long PeakWorkingSetLimitBytes = 600L * 1024 * 1024;

    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Eight_40_megapixel_pngs_classified_at_once_stay_under_600_MB_of_working_set()
    {
        Directory.CreateDirectory(temp.Path);
        var files = Enumerable.Range(0, 8).Select(i =>
        {
            var file = temp.Sub($"blank-{i}.png");
            File.WriteAllBytes(file, TestImages.BandedPng(8000, 5000, bandRows: 500, firstLevel: (byte)(40 + (i * 8))));
            return file;
        }).ToList();
        Assert.All(files, file => Assert.True(new FileInfo(file).Length < 1024 * 1024, $"{file} is not small on disk"));

        var report = await RunChildAsync([ConcurrentClassificationProgram.Command, Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo"), .. files]);

        Assert.Equal(Enumerable.Repeat("rejected/no-face", 8), report.Results);
        Assert.True(report.PeakWorkingSetBytes <= PeakWorkingSetLimitBytes,
            $"peak working set {report.PeakWorkingSetBytes / 1048576} MB (before classifying {report.WorkingSetBeforeBytes / 1048576} MB); the bound is {PeakWorkingSetLimitBytes / 1048576} MB");
    }

    [Fact]
    public void A_png_is_box_averaged_while_it_is_read_row_by_row()
    {
        // 4x2 grey levels: the 2x1 reduction averages each 2x2 block, rounding halves up.
        byte[] levels = [10, 20, 100, 101, 30, 41, 200, 202];
        var png = TestImages.RawPng(4, 2, colorType: 0, bitDepth: 8, (x, y, _) => levels[(y * 4) + x]);

        var reduced = ImageDecoder.DecodeReduced(png, null, 2, out var width, out var height);

        Assert.Equal((4, 2), (width, height));
        Assert.Equal((2, 1), (reduced.Width, reduced.Height));
        Assert.Equal([25, 25, 25, 151, 151, 151], reduced.Pixels);
    }

    [Fact]
    public void A_bottom_up_bmp_keeps_its_rows_in_place_when_reduced()
    {
        var bmp = TestImages.Bmp(400, 200, (x, y) => y < 100 ? SKColors.Red : SKColors.Blue);

        var reduced = ImageDecoder.DecodeReduced(bmp, null, 100, out var width, out var height);

        Assert.Equal((400, 200, 100, 50), (width, height, reduced.Width, reduced.Height));
        Assert.Equal([255, 0, 0], reduced.Pixels[..3]); // top row: red
        Assert.Equal([0, 0, 255], reduced.Pixels[^3..]); // bottom row: blue
    }

    [Fact]
    public void A_large_png_is_decoded_no_larger_than_asked_and_its_estimate_stays_that_small()
    {
        var png = TestImages.BandedPng(8000, 5000, bandRows: 500, firstLevel: 40);
        var budget = new DecodeBudget(DecodeBudget.DefaultCapacityBytes);

        var reduced = ImageDecoder.DecodeReduced(png, new ImageLimits { Budget = budget }, FaceLocator.DetectionLongSide, out var width, out var height);

        Assert.Equal((8000, 5000, 1024, 640), (width, height, reduced.Width, reduced.Height));
        Assert.Equal(40, reduced.Pixels[0]); // first band
        Assert.Equal(40 + (9 * 16), reduced.Pixels[^1]); // last band
        Assert.InRange(budget.PeakBytes, 1024 * 640 * 7, 16L * 1024 * 1024); // the full decode would be 280 MB
    }

    [Fact]
    public async Task A_budget_never_lends_more_than_its_capacity_and_lets_an_oversized_request_run_alone()
    {
        var budget = new DecodeBudget(100);
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            using var lease = budget.Reserve(40);
            Thread.Sleep(5);
        });
        Assert.Equal(80, budget.PeakBytes); // two at a time, never three

        Task waiting;
        using (budget.Reserve(150))
        {
            waiting = Task.Run(() => budget.Reserve(1).Dispose());
            Assert.NotSame(waiting, await Task.WhenAny(waiting, Task.Delay(200))); // nothing joins an oversized request
        }

        await waiting;
        Assert.Equal(150, budget.PeakBytes);
    }

    [Fact]
    public void Every_decode_of_a_classification_reserves_from_the_limits_budget()
    {
        var model = TestModels.Export(temp.Sub("model"), seed: 21);
        var budget = new DecodeBudget(12L * 1024 * 1024);
        var limits = new ImageLimits { Budget = budget };
        using var detector = FaceDetector.Load(FerOptions.DefaultFaceDetectorDirectory);
        using var classifier = new EmotionClassifier(ModelVersionFolder.Open(temp.Sub("model")), limits, new FaceLocator(FaceFinding.Detect, detector, limits));
        var images = Enumerable.Range(0, 8).Select(i => (ReadOnlyMemory<byte>)TestImages.BandedPng(3000, 2000, bandRows: 100, firstLevel: (byte)(i * 10))).ToList();

        var results = classifier.ClassifyPhotos(images);

        Assert.All(results, r => Assert.Equal(ImageErrorCodes.NoFace, Assert.Single(r).ErrorCode));
        Assert.InRange(budget.PeakBytes, 1, budget.CapacityBytes);

        // Face crops (whole-image) reserve too: the decode and its resizing.
        var crops = new DecodeBudget(DecodeBudget.DefaultCapacityBytes);
        using var whole = new EmotionClassifier(ModelVersionFolder.Open(temp.Sub("model")), new ImageLimits { Budget = crops });
        Assert.Equal(ClassificationStatus.Classified, whole.Classify(TestImages.Png(100, 50, SKColors.Pink)).Status);
        Assert.Equal(Estimate(TestImages.Png(100, 50, SKColors.Pink), int.MaxValue) + (100 * 50 * ImagePreprocessor.ResizeBytesPerPixel), crops.PeakBytes);
        Assert.Equal(model.Version, whole.Version);
    }

    [Fact]
    public async Task A_decoder_failure_fails_only_its_own_image_and_the_rest_of_the_joined_batch_is_classified()
    {
        TestModels.Export(temp.Sub("model"), seed: 22);
        var poison = TestImages.Png(30, 30, SKColors.Red);
        using var classifier = new EmotionClassifier(ModelVersionFolder.Open(temp.Sub("model")), faces: new ThrowingLocator(poison));
        ReadOnlyMemory<byte> good = TestImages.Png(30, 30, SKColors.Pink);

        var batch = classifier.ClassifyPhotos([good, poison, good]);
        var joined = await Task.WhenAll(new[] { good, poison, good, good }.Select(image => classifier.ClassifyPhotoAsync(image)));

        foreach (var results in new[] { batch, joined })
        {
            Assert.Equal(ClassificationStatus.Failed, Assert.Single(results[1]).Status);
            Assert.Equal(ImageErrorCodes.ProcessingFailed, results[1][0].ErrorCode);
            Assert.Contains("InvalidOperationException: the decoder broke", results[1][0].Error, StringComparison.Ordinal);
            Assert.All(results.Where((_, i) => i != 1), r => Assert.Equal(ClassificationStatus.Classified, Assert.Single(r).Status));
        }
    }

    private static long Estimate(byte[] image, int minLongSide)
    {
        using var encoded = EncodedImage.Open(image, ImageLimits.Default);
        return encoded.EstimateBytes(minLongSide);
    }

    private static async Task<ConcurrentClassificationReport> RunChildAsync(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // The cores of the instance the bound is for (a 2 GB Flex Consumption instance has at most 2): images in flight
        // follow the core count, so a larger test machine would measure another configuration.
        start.Environment["DOTNET_PROCESSOR_COUNT"] = "2";
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Fer.Inference.Tests.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        Assert.True(child.ExitCode == 0, $"the child exited with {child.ExitCode}: {await error}");
        return JsonSerializer.Deserialize<ConcurrentClassificationReport>(await output)!;
    }

    /// <summary>A real locator that throws for one image, as a decoder bug would: the seam production passes its locator through.</summary>
    private sealed class ThrowingLocator(byte[] poison) : FaceLocator(FaceFinding.WholeImage, null)
    {
        public override T Locate<T>(ReadOnlySpan<byte> encoded, int cropSize, Func<LocatedFaces, T> use, FaceCropGeometry? crop = null) =>
            encoded.SequenceEqual(poison) ? throw new InvalidOperationException("the decoder broke") : base.Locate(encoded, cropSize, use, crop);
    }
}
