using Azure.Storage.Blobs;
using Fer.Benchmarks;
using Fer.Inference;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Storage;
using Fer.Testing;

// Fer's benchmarks: dotnet run --project tests/Fer.Benchmarks -c Release [-- --quick] [--photos | --throughput | --training] [--out FILE]
// Prints a table of medians and writes JSON. Cold start runs first, before anything else is warm.
// --photos runs only the photo benchmarks (2b), which print their own table; --throughput only fer process over folders
// of portraits and group photos (4c, with its own Azurite); --training only the training steps (5),
// without Azurite or JSON. --child is the benchmark's own child process (ChildRun).
if (args.Contains(ChildRun.Switch))
{
    return ChildRun.RunChild(args);
}

var quick = args.Contains("--quick");
var outPath = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine("artifacts", "benchmarks.json");
var runs = quick ? 5 : 15;
var report = new BenchmarkReport();
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
    PhotoBenchmarks.RunAll(photos, demo, runs);
    Directory.Delete(work, recursive: true);
    return 0;
}

if (args.Contains("--throughput"))
{
    await using var throughputStorage = new AzuriteProcess();
    await throughputStorage.StartAsync();
    await new ModelStore(new BlobServiceClient(throughputStorage.ConnectionString).GetBlobContainerClient(new FerOptions().ModelsContainer)).PublishAsync(demo, promote: true);
    await ThroughputBenchmark.RunAsync(throughputStorage.ConnectionString, photos, work, quick);
    Directory.Delete(work, recursive: true);
    return 0;
}

if (args.Contains("--training"))
{
    var training = new BenchmarkReport();
    TrainingBenchmark.Run(training, quick);
    training.Print(runs);
    Directory.Delete(work, recursive: true);
    return 0;
}

// Disposal kills Azurite by PID whatever happens below; AzuriteProcess also stops it on process exit and, through a
// watchdog, when this process dies without running any code (a native crash).
await using var azurite = new AzuriteProcess();
await azurite.StartAsync();
// The samples are face crops: whole-image keeps the storage benchmarks comparable with raw classification.
var options = new FerOptions { ModelCacheDirectory = Path.Combine(work, "cache"), BatchSize = 8, ModelRefreshInterval = TimeSpan.FromHours(1), FaceFinding = FaceFinding.WholeImage };
var models = new ModelStore(new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(options.ModelsContainer));
await models.PublishAsync(demo, promote: true);

// 1. Cold start.
// Serving's defaults first (int8 classifier, fp32 detector), while nothing is warm; then all fp32, then all int8.
var coldFace = Path.Combine(root, "samples", "faces", "family-1.jpg");
var coldPhoto = Path.Combine(photos, "obama_family.jpg");
report.Notes["cold_start_ms"] = await ColdStartBenchmark.RunAsync(models, Path.Combine(work, "cold"), coldFace, coldPhoto, ModelPrecision.Integer8, ModelPrecision.Fp32);
report.Notes["cold_start_fp32_after_ms"] = await ColdStartBenchmark.RunAsync(models, Path.Combine(work, "cold-fp32"), coldFace, coldPhoto, ModelPrecision.Fp32, ModelPrecision.Fp32);
report.Notes["cold_start_int8_after_ms"] = await ColdStartBenchmark.RunAsync(models, Path.Combine(work, "cold-int8"), coldFace, coldPhoto, ModelPrecision.Integer8, ModelPrecision.Integer8);
// 2. Preprocessing.
report.Results.AddRange(PreprocessingBenchmark.Run(photos, runs));
// 2b. Photos end to end from encoded bytes.
report.Results.AddRange(PhotoBenchmarks.RunAll(photos, demo, runs));
// 3. ONNX Runtime against TorchSharp eager.
var inference = InferenceBenchmark.Run(demo, work, runs);
report.Results.AddRange(inference);
// 4. Pipeline against raw inference.
await PipelineBenchmark.RunAsync(report, azurite.ConnectionString, options, sampleFiles, quick, runs);
// 4b. The blob-trigger path, calls joined and not.
await BlobTriggerBenchmark.RunAsync(report, azurite.ConnectionString, options, sampleFiles, quick);
// 4c. Folders of portraits and of group photos through fer process, faces detected.
report.Notes["throughput"] = await ThroughputBenchmark.RunAsync(azurite.ConnectionString, photos, work, quick);
// 5. Training steps.
TrainingBenchmark.Run(report, quick);
// The inference ratios come last among the notes, where runs before this split have them.
foreach (var (key, ratio) in InferenceBenchmark.Ratios(inference))
{
    report.Notes[key] = ratio;
}

report.Print(runs);
report.Write(outPath);
Directory.Delete(work, recursive: true);
return 0;
