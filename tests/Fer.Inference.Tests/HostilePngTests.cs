using System.Diagnostics;
using System.Text.Json;
using Fer.Fuzz;
using Fer.Inference.Preprocessing;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>
/// PNGs built to break the decoders (issue 24): a second header that disagrees with the first, and interlaced files,
/// which Skia can only decode whole and which must still be paid for from the decode budget.
/// </summary>
public sealed class HostilePngTests : IDisposable
{
    /// <summary>
    /// Eight 40-megapixel interlaced PNGs at once: one full decode (about 320 MB reserved: RGBA, Skia's de-interlacing
    /// buffer, the file) at a time on top of what the process holds before (about 310 MB). Measured on a 2-core
    /// machine: 1,569 MB before interlaced decodes were counted and reduced, 724 MB after.
    /// </summary>
    private const long InterlacedPeakWorkingSetLimitBytes = 850L * 1024 * 1024;

    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Long sides asked: the detector's, a crop-sized one that takes the row reader, and the full image.</summary>
    public static TheoryData<int> LongSides => [1024, 16, int.MaxValue];

    [Theory]
    [MemberData(nameof(LongSides))]
    public void A_second_taller_header_after_the_pixel_data_is_rejected_as_corrupt(int longSide)
    {
        // Rows for 64x256 behind a 64x32 header, then a 64x256 header: a reader that took the last header wrote 224
        // rows past the bitmap sized from the first (a segfault in the service).
        var png = PngFile.Build(
            PngFile.Chunk("IHDR", PngFile.Header(64, 32, 8, 2)),
            PngFile.Chunk("IDAT", PngFile.Compress(Rows(64, 256, bytesPerPixel: 3))),
            PngFile.Chunk("IHDR", PngFile.Header(64, 256, 8, 2)),
            PngFile.Chunk("IEND", []));

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.DecodeReduced(png, null, longSide, out _, out _));

        Assert.Equal(ImageErrorCodes.Corrupt, error.Code);
        Assert.Contains("more than one header chunk (IHDR)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(LongSides))]
    public void A_second_narrower_header_is_rejected_as_corrupt_not_an_index_out_of_range(int longSide)
    {
        var png = PngFile.Build(
            PngFile.Chunk("IHDR", PngFile.Header(64, 32, 8, 2)),
            PngFile.Chunk("IDAT", PngFile.Compress(Rows(64, 32, bytesPerPixel: 3))),
            PngFile.Chunk("IHDR", PngFile.Header(32, 32, 8, 2)),
            PngFile.Chunk("IEND", []));

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.DecodeReduced(png, null, longSide, out _, out _));

        Assert.Equal(ImageErrorCodes.Corrupt, error.Code);
        Assert.Contains("more than one header chunk (IHDR)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_header_before_the_pixel_data_or_a_header_that_is_not_first_is_rejected_as_corrupt()
    {
        var idat = PngFile.Chunk("IDAT", PngFile.Compress(Rows(8, 8, bytesPerPixel: 3)));
        var twoHeadersFirst = PngFile.Build(PngFile.Chunk("IHDR", PngFile.Header(8, 8, 8, 2)), PngFile.Chunk("IHDR", PngFile.Header(8, 8, 8, 2)), idat, PngFile.Chunk("IEND", []));
        var headerSecond = PngFile.Build(PngFile.Chunk("tEXt", "a\0b"u8), PngFile.Chunk("IHDR", PngFile.Header(8, 8, 8, 2)), idat, PngFile.Chunk("IEND", []));

        Assert.Equal(ImageErrorCodes.Corrupt, Assert.Throws<ImageRejectedException>(() => ImageDecoder.DecodeReduced(twoHeadersFirst, null, 4, out _, out _)).Code);
        Assert.Equal(ImageErrorCodes.Corrupt, Assert.Throws<ImageRejectedException>(() => ImageDecoder.DecodeReduced(headerSecond, null, 4, out _, out _)).Code);
    }

    [Fact]
    public void A_second_header_after_iend_is_never_read_and_the_image_decodes()
    {
        // Nothing reads past IEND, so trailing bytes there change nothing: the same file without them decodes the same.
        var png = PngFile.Encode(40, 20, 2, 8, (x, y, c) => (x * 5) + c);
        byte[] trailing = [.. png, .. PngFile.Chunk("IHDR", PngFile.Header(40, 2000, 8, 2))];

        var expected = ImageDecoder.DecodeReduced(png, null, 10, out _, out _);
        var decoded = ImageDecoder.DecodeReduced(trailing, null, 10, out _, out _);

        Assert.Equal((10, 5), (decoded.Width, decoded.Height));
        Assert.Equal(expected.Pixels, decoded.Pixels);
    }

    [Fact]
    public void A_box_sampler_refuses_a_row_outside_its_image_or_shorter_than_its_width()
    {
        using var sampler = new BoxSampler(8, 4, new SKSizeI(2, 1));
        var row = new byte[8 * 4];

        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Add(4, row));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Add(-1, row));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Add(0, new byte[(8 * 4) - 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoxSampler(8, 4, new SKSizeI(9, 1)));
        sampler.Add(3, row); // the last row is in
    }

    [Fact]
    public void An_interlaced_png_is_reduced_inside_its_reservation_which_counts_its_full_decode()
    {
        // Skia decodes Adam7 only whole, into a de-interlacing buffer of the source format besides the RGBA bitmap
        // (measured: 3 bytes a pixel for 8-bit RGB). Both are paid from the budget, and what comes out is as small as asked.
        var (width, height) = (2000, 1200);
        static int Sample(int x, int y, int c) => (x / 50 * 7) + (y / 40 * 3) + (c * 60);
        var interlaced = PngFile.Encode(width, height, 2, 8, Sample, interlaced: true);
        var plain = PngFile.Encode(width, height, 2, 8, Sample);
        var budget = new DecodeBudget(DecodeBudget.DefaultCapacityBytes);

        var reduced = ImageDecoder.DecodeReduced(interlaced, new ImageLimits { Budget = budget }, 256, out var fullWidth, out var fullHeight);
        var expected = ImageDecoder.DecodeReduced(plain, null, 256, out _, out _);

        Assert.Equal((2000, 1200), (fullWidth, fullHeight));
        Assert.Equal((256, 154), (reduced.Width, reduced.Height)); // not 2000x1200: the full size never leaves the decode
        Assert.Equal(expected.Pixels, reduced.Pixels); // the same box averages as the row reader's
        // At least the encoded copy, the full RGBA bitmap and Skia's buffer, and the reduced bitmap and its RGB copy.
        Assert.InRange(budget.PeakBytes, interlaced.Length + ((long)width * height * (4 + 3)) + (256 * 154 * (4 + 3)), long.MaxValue);
    }

    [Fact]
    public async Task An_interlaced_png_waits_for_room_in_the_budget_like_any_other_decode()
    {
        var png = PngFile.Encode(1000, 1000, 6, 16, (x, y, c) => x * 60, interlaced: true);
        long estimate;
        using (var image = EncodedImage.Open(png, ImageLimits.Default))
        {
            estimate = image.EstimateBytes(1024);
        }

        Assert.InRange(estimate, 1000L * 1000 * (4 + 8), long.MaxValue); // RGBA and Skia's 16-bit RGBA buffer
        var budget = new DecodeBudget(estimate + (estimate / 2));
        var held = budget.Reserve(estimate);
        var decoding = Task.Run(() => ImageDecoder.DecodeReduced(png, new ImageLimits { Budget = budget }, 1024, out _, out _));

        Assert.NotSame(decoding, await Task.WhenAny(decoding, Task.Delay(500)));
        held.Dispose();
        var decoded = await decoding;

        Assert.Equal((1000, 1000), (decoded.Width, decoded.Height));
        Assert.Equal(estimate, budget.PeakBytes); // one after the other, never both
    }

    [Fact]
    public async Task Eight_interlaced_40_megapixel_pngs_classified_at_once_stay_within_the_decode_budget()
    {
        Directory.CreateDirectory(temp.Path);
        var file = temp.Sub("interlaced.png");
        File.WriteAllBytes(file, PngFile.Encode(8000, 5000, 2, 8, (_, y, _) => 40 + (y / 500 * 16), interlaced: true));
        Assert.True(new FileInfo(file).Length < 1024 * 1024, "the file is not small on disk");

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_PROCESSOR_COUNT"] = "2"; // as MemoryBoundsTests: the cores of the instance the bound is for
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Fer.Inference.Tests.dll"), ConcurrentClassificationProgram.Command, Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo") }.Concat(Enumerable.Repeat(file, 8)))
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        Assert.True(child.ExitCode == 0, $"the child exited with {child.ExitCode}: {await error}");
        var report = JsonSerializer.Deserialize<ConcurrentClassificationReport>(await output)!;

        Assert.Equal(Enumerable.Repeat("rejected/no-face", 8), report.Results);
        Assert.True(report.PeakWorkingSetBytes <= InterlacedPeakWorkingSetLimitBytes,
            $"peak working set {report.PeakWorkingSetBytes / 1048576} MB (before classifying {report.WorkingSetBeforeBytes / 1048576} MB); the bound is {InterlacedPeakWorkingSetLimitBytes / 1048576} MB");
    }

    /// <summary>Filter-less rows of a gradient, <paramref name="bytesPerPixel"/> bytes a pixel.</summary>
    private static byte[] Rows(int width, int height, int bytesPerPixel)
    {
        var stride = 1 + (width * bytesPerPixel);
        var raw = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            for (var i = 1; i < stride; i++)
            {
                raw[(y * stride) + i] = (byte)(i + y);
            }
        }

        return raw;
    }
}
