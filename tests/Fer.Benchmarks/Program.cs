using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs;
using Fer.Benchmarks;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Models;
using Fer.Inference.Pipeline;
using Fer.Inference.Preprocessing;
using Fer.Inference.Storage;
using Fer.Testing;
using Fer.Training.Data;
using Fer.Training.Export;
using Fer.Training.Model;
using Fer.Training.Training;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

// Fer's benchmarks: dotnet run --project tests/Fer.Benchmarks -c Release [-- --quick] [--photos] [--out FILE]
// Prints a table of medians and writes JSON. Cold start runs first, before anything else is warm.
// --photos runs only the photo benchmarks (2b), which print their own table.
var quick = args.Contains("--quick");
var outPath = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine("artifacts", "benchmarks.json");
var runs = quick ? 5 : 15;
var results = new List<Timing>();
var notes = new Dictionary<string, object?>
{
    ["cpu"] = CpuName(),
    ["cores"] = Environment.ProcessorCount,
    ["date_utc"] = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
};
var work = Path.Combine(Path.GetTempPath(), "fer-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(work);
var root = AzuriteProcess.RepositoryRoot();
var demo = Path.Combine(root, "models", "demo");
var sampleFiles = Directory.GetFiles(Path.Combine(root, "samples", "faces"), "*.jpg");
if (!Directory.Exists(demo))
{
    throw new InvalidOperationException($"The demo model ({demo}) is missing.");
}

var photos = Path.Combine(root, "samples", "photos");
if (args.Contains("--photos"))
{
    PhotoBenchmarks.Run(photos, demo, runs);
    Directory.Delete(work, recursive: true);
    return 0;
}

await using var azurite = new AzuriteProcess();
await azurite.StartAsync();
// The samples are face crops: whole-image keeps the storage benchmarks comparable with raw classification.
var options = new FerOptions { ModelCacheDirectory = Path.Combine(work, "cache"), BatchSize = 8, ModelRefreshInterval = TimeSpan.FromHours(1), FaceFinding = FaceFinding.WholeImage };
var blobs = new BlobServiceClient(azurite.ConnectionString);
var models = new ModelStore(blobs.GetBlobContainerClient(options.ModelsContainer));
await models.PublishAsync(demo, promote: true);

// 1. Cold start: process start -> first classification, split into download, session creation, first run.
{
    var sinceProcessStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
    var clock = Stopwatch.StartNew();
    var pointer = await models.GetPointerAsync();
    var folder = await models.DownloadAsync(pointer!.Version, Path.Combine(work, "cold"));
    var download = clock.Elapsed.TotalMilliseconds;
    clock.Restart();
    using var cold = EmotionClassifier.Open(folder);
    var session = clock.Elapsed.TotalMilliseconds;
    clock.Restart();
    cold.Classify(File.ReadAllBytes(Path.Combine(root, "samples", "faces", "family-1.jpg")));
    var firstRun = clock.Elapsed.TotalMilliseconds;
    notes["cold_start_ms"] = new
    {
        process_start_to_ready = sinceProcessStart.TotalMilliseconds + download + session + firstRun,
        runtime_and_azurite_start = sinceProcessStart.TotalMilliseconds,
        model_download = download,
        session_creation = session,
        first_run = firstRun,
        model_bytes = new FileInfo(Path.Combine(folder, "model.onnx")).Length,
    };
}

// 2. Preprocessing: decode, resize, normalise.
var small = Jpeg(100, 100);
var photo = Path.Combine(photos, "biden_7mpx.jpg");
var large = File.Exists(photo) ? File.ReadAllBytes(photo) : Jpeg(2400, 3000);
var preprocessor = new ImagePreprocessor(new ModelInput { Size = 224 });
var tensor = new float[preprocessor.TensorLength];
results.Add(Timing.Run("preprocess 100x100 JPEG -> 224", 1, 20, runs * 10, () => preprocessor.Preprocess(small, tensor)));
results.Add(Timing.Run("preprocess 2400x3000 JPEG -> 224", 1, 2, runs, () => preprocessor.Preprocess(large, tensor)));

// 2b. Photos end to end from encoded bytes: detection on a reduced decode, eye alignment, crops, all faces in one call.
results.AddRange(PhotoBenchmarks.Run(photos, demo, runs));

// 3. ONNX Runtime against TorchSharp eager, same architecture and input size: the demo model and ResNet-50 + Light CBAM at 224.
var r50Dir = Path.Combine(work, "r50");
using (var r50 = FerModelFactory.Create(new FerModelOptions { Depth = ResNetDepth.ResNet50, Cbam = CbamPlacement.Light }, 7))
{
    ModelVersionWriter.Write(r50, r50Dir, new ModelInput { Size = 224 }, null, DateTimeOffset.UtcNow);
}

foreach (var (name, directory) in new[] { ("demo", demo), ("resnet50+cbam 224", r50Dir) })
{
    var manifest = ModelManifest.Load(Path.Combine(directory, ModelManifest.FileName));
    var size = manifest.Input.Size;
    foreach (var threads in new[] { 1, 2 })
    {
        using var session = new OnnxLogitsSession(Path.Combine(directory, "model.onnx"), threads);
        foreach (var batch in new[] { 1, 8, 32 })
        {
            var input = new float[batch * 3 * size * size];
            var perRun = size >= 224 && batch == 32 ? Math.Max(3, runs / 3) : runs;
            results.Add(Timing.Run($"ORT {name} batch {batch} threads {threads}", batch, 2, perRun, () => session.Run(input, batch)));
        }
    }

    // The same model without ONNX Runtime's layout transformation (Fer:GraphOptimization=extended), side by side.
    using (var extended = new OnnxLogitsSession(Path.Combine(directory, "model.onnx"), 2, graphOptimization: "extended"))
    {
        foreach (var batch in new[] { 1, 8 })
        {
            var input = new float[batch * 3 * size * size];
            results.Add(Timing.Run($"ORT {name} batch {batch} threads 2 extended", batch, 2, size >= 224 ? Math.Max(3, runs / 3) : runs, () => extended.Run(input, batch)));
        }
    }

    using var eager = LoadTorch(directory, manifest);
    torch.set_num_threads(2);
    foreach (var batch in new[] { 1, 8 })
    {
        using var input = randn(batch, 3, size, size);
        results.Add(Timing.Run($"TorchSharp eager {name} batch {batch} threads 2", batch, 2, runs, () =>
        {
            using var noGrad = no_grad();
            using var output = eager.call(input);
        }));
    }
}

// 4. Pipeline (fer process against Azurite) against raw inference at the same batch size. Steady state:
// a warm-up pass first (connections, JIT; cold start is measured above), then the median of several passes,
// each over its own freshly uploaded batch.
{
    using var serving = new ServingComponents(new StorageConnection { ConnectionString = azurite.ConnectionString }, options);
    await serving.EnsureCreatedAsync();
    var count = quick ? 64 : 200;
    var passes = quick ? 3 : 5;
    foreach (var batch in Enumerable.Range(0, passes).Select(p => $"bench-{p}").Prepend("bench-warm-up"))
    {
        await UploadSamplesAsync(serving.Faces, batch, count);
    }

    await serving.Processor.ProcessAsync("bench-warm-up");
    var pipelineMs = new List<double>();
    for (var p = 0; p < passes; p++)
    {
        var run = await serving.Processor.ProcessAsync($"bench-{p}");
        if (run.Classified != count)
        {
            throw new InvalidOperationException($"The pipeline classified {run.Classified} of {count} images.");
        }

        pipelineMs.Add(run.Elapsed.TotalMilliseconds);
    }

    using var lease = await serving.Provider.AcquireAsync();
    var classifier = lease.Model;
    var bytes = sampleFiles.Select(File.ReadAllBytes).ToArray();
    var raw = Timing.Run("raw classify (decode + ORT) batch 8", 8, 2, runs, () => classifier.ClassifyBatch(Enumerable.Range(0, 8).Select(i => (ReadOnlyMemory<byte>)bytes[i % bytes.Length]).ToList()));
    var pipeline = new Timing($"pipeline fer process {count} images (Azurite) batch 8", count, pipelineMs);
    results.Add(raw);
    results.Add(pipeline);
    notes["pipeline_over_raw_batch8"] = pipeline.PerSecond / raw.PerSecond;
}

// 4b. The blob-trigger path: one blob per invocation, four invocations at once (host.json's
// maxDegreeOfParallelism), with concurrent invocations joined into shared ONNX Runtime calls and without.
{
    var count = quick ? 64 : 200;
    var passes = quick ? 3 : 5;
    var timings = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
    foreach (var coalesce in new[] { false, true })
    {
        using var serving = new ServingComponents(new StorageConnection { ConnectionString = azurite.ConnectionString }, new FerOptions
        {
            ModelCacheDirectory = options.ModelCacheDirectory,
            ModelRefreshInterval = options.ModelRefreshInterval,
            FaceFinding = options.FaceFinding,
            CoalesceRequests = coalesce,
        });
        for (var p = -1; p < passes; p++)
        {
            var blobsOfPass = await UploadSamplesAsync(serving.Faces, $"trigger-{coalesce}-{p}", count);

            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(blobsOfPass, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (blob, ct) => await serving.Pipeline.ProcessAsync(blob, ct));
            if (p >= 0)
            {
                timings[coalesce].Add(clock.Elapsed.TotalMilliseconds); // pass -1 warms up
            }
        }

        long calls, images;
        using (var lease = await serving.Provider.AcquireAsync())
        {
            (calls, images) = lease.Model.CoalescingStatistics;
        }
        if (coalesce)
        {
            notes["trigger_mean_coalesced_batch"] = images / (double)Math.Max(1, calls);
        }
    }

    var separate = new Timing($"trigger path {count} blobs, 4 invocations at once, one ORT call each", count, timings[false]);
    var joined = new Timing($"trigger path {count} blobs, 4 invocations at once, calls joined", count, timings[true]);
    results.Add(separate);
    results.Add(joined);
    notes["trigger_joined_over_separate"] = joined.PerSecond / separate.PerSecond;
}

// 5. Training images/s on CPU: ResNet-50 + Light CBAM, batch 8, Adam, one optimiser step per batch.
foreach (var size in new[] { 112, 224 })
{
    using var model = FerModelFactory.Create(new FerModelOptions { Depth = ResNetDepth.ResNet50, Cbam = CbamPlacement.Light }, 1);
    model.train();
    using var optimizer = optim.Adam(model.parameters(), lr: 1e-4);
    using var x = randn(8, 3, size, size);
    using var y = randint(0, 7, [8]);
    results.Add(Timing.Run($"train step resnet50+cbam {size} batch 8", 8, 1, quick ? 2 : 4, () =>
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        Trainer.SmoothedCrossEntropy(model.call(x), y, 0).backward();
        optimizer.step();
    }));
}

foreach (var name in new[] { "demo", "resnet50+cbam 224" })
{
    var ort = results.First(r => r.Name == $"ORT {name} batch 1 threads 2");
    var eager = results.First(r => r.Name == $"TorchSharp eager {name} batch 1 threads 2");
    notes[$"ort_over_torchsharp_batch1 {name}"] = ort.PerSecond / eager.PerSecond;
    notes[$"ort_extended_over_torchsharp_batch1 {name}"] = results.First(r => r.Name == $"ORT {name} batch 1 threads 2 extended").PerSecond / eager.PerSecond;
}

Console.WriteLine($"Fer benchmarks on {notes["cpu"]} ({Environment.ProcessorCount} cores); medians of {runs} runs unless noted.");
Console.WriteLine($"{"benchmark",-58} {"median ms",10} {"p10",8} {"p90",8} {"items/s",9}");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Name,-58} {r.MedianMs,10:F1} {r.P10Ms,8:F1} {r.P90Ms,8:F1} {r.PerSecond,9:F1}"));
}

foreach (var (key, value) in notes.Where(n => n.Key.Contains("over", StringComparison.Ordinal) || n.Key.StartsWith("cold", StringComparison.Ordinal) || n.Key.StartsWith("trigger", StringComparison.Ordinal)))
{
    Console.WriteLine($"{key}: {JsonSerializer.Serialize(value)}");
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
File.WriteAllText(outPath, JsonSerializer.Serialize(new
{
    notes,
    results = results.Select(r => new { name = r.Name, items_per_run = r.ItemsPerRun, median_ms = r.MedianMs, p10_ms = r.P10Ms, p90_ms = r.P90Ms, items_per_second = r.PerSecond, runs = r.Milliseconds.Count }),
}, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"Wrote {outPath}");
Directory.Delete(work, recursive: true);
return 0;

// Uploads count sample faces (repeating the samples) as batch/0000.jpg, batch/0001.jpg, ...
async Task<List<BlobClient>> UploadSamplesAsync(BlobContainerClient faces, string batch, int count)
{
    var uploaded = new List<BlobClient>(count);
    for (var i = 0; i < count; i++)
    {
        var blob = faces.GetBlobClient($"{batch}/{i:D4}.jpg");
        await blob.UploadAsync(sampleFiles[i % sampleFiles.Length], overwrite: true);
        uploaded.Add(blob);
    }

    return uploaded;
}

static byte[] Jpeg(int width, int height)
{
    var random = new Random(1);
    using var bitmap = new SKBitmap(width, height);
    for (var y = 0; y < height; y += 4)
    {
        for (var x = 0; x < width; x += 4)
        {
            var color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            for (var dy = 0; dy < 4 && y + dy < height; dy++)
            {
                for (var dx = 0; dx < 4 && x + dx < width; dx++)
                {
                    bitmap.SetPixel(x + dx, y + dy, color);
                }
            }
        }
    }

    using var image = SKImage.FromBitmap(bitmap);
    using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
    return data.ToArray();
}

static FerResNet LoadTorch(string directory, ModelManifest manifest)
{
    // Speed depends on the architecture and the input size, not on the weight values: build the manifest's architecture.
    var model = FerModelFactory.Create(new FerModelOptions
    {
        Depth = ResNetDepthExtensions.ParseArchitectureName(manifest.Architecture.Backbone),
        Cbam = CbamPlacementExtensions.ParseOptionName(manifest.Architecture.Cbam),
    }, 7);
    model.eval();
    _ = directory;
    return model;
}

static string CpuName()
{
    try
    {
        return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
    }
    catch (IOException)
    {
        return "unknown CPU";
    }
}
