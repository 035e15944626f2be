using System.Diagnostics;
using System.Globalization;
using Fer.Inference;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;

namespace Fer.Benchmarks;

/// <summary>
/// A folder of portraits and a folder of group photos through <c>fer process</c>'s own code path (the batch processor
/// over Azurite, faces detected), all fp32, with serving's default files (int8 classifier, fp32 detector) and all int8:
/// images and faces per second of wall time, and per CPU-second of this process (Azurite's own work not counted), which
/// is the per-core figure that the cost table divides by.
/// </summary>
internal static class ThroughputBenchmark
{
    public static async Task<List<ThroughputResult>> RunAsync(string connectionString, string photosDirectory, string workDirectory, bool quick)
    {
        var folders = new (string Name, List<byte[]> Photos)[]
        {
            ("portraits", PhotoFolders.Portraits(photosDirectory, quick ? 12 : 36)),
            ("groups", PhotoFolders.Groups(photosDirectory, quick ? 6 : 18)),
        };
        var results = new List<ThroughputResult>();
        foreach (var (precision, detectorPrecision) in new[] { (ModelPrecision.Fp32, ModelPrecision.Fp32), (ModelPrecision.Integer8, ModelPrecision.Fp32), (ModelPrecision.Integer8, ModelPrecision.Integer8) })
        {
            var files = precision == detectorPrecision ? precision : $"{precision}+{detectorPrecision}";
            var options = new FerOptions
            {
                ModelCacheDirectory = Path.Combine(workDirectory, "throughput-" + files),
                ModelRefreshInterval = TimeSpan.FromHours(1),
                FaceFinding = FaceFinding.Detect,
                ModelPrecision = precision,
                FaceDetectorPrecision = detectorPrecision,
            };
            using var serving = new ServingComponents(new StorageConnection { ConnectionString = connectionString }, options);
            await serving.EnsureCreatedAsync();

            // One photo of each kind first: model download, sessions, JIT.
            await UploadAsync(serving, $"warm-{files}", [.. folders.Select(folder => folder.Photos[0])]);
            await serving.Processor.ProcessAsync($"warm-{files}");
            foreach (var (name, photos) in folders)
            {
                var batch = $"{name}-{files}";
                await UploadAsync(serving, batch, photos);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var run = await serving.Processor.ProcessAsync(batch);
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                results.Add(new ThroughputResult(name, files, run.Blobs - run.UpToDate, run.Classified, run.Elapsed.TotalSeconds, cpuSeconds, CpuInfo.LoadAverage()));
            }
        }

        Print(results);
        return results;
    }

    private static async Task UploadAsync(ServingComponents serving, string batch, List<byte[]> photos)
    {
        for (var i = 0; i < photos.Count; i++)
        {
            await serving.Faces.GetBlobClient($"{batch}/{i:D4}.jpg").UploadAsync(new BinaryData(photos[i]), overwrite: true);
        }
    }

    private static void Print(List<ThroughputResult> results)
    {
        Console.WriteLine($"fer process throughput on {Environment.ProcessorCount} cores (per CPU-second: this process's CPU time, Azurite's not counted).");
        Console.WriteLine("files: classifier+detector precision (int8+fp32 is serving's default).");
        Console.WriteLine($"{"folder",-10} {"files",-9} {"images",6} {"faces",6} {"wall s",7} {"cpu s",7} {"images/s",9} {"faces/s",8} {"img/cpu-s",10} {"faces/cpu-s",12}  load");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Folder,-10} {r.Files,-9} {r.Images,6} {r.Faces,6} {r.WallSeconds,7:F1} {r.CpuSeconds,7:F1} {r.ImagesPerSecond,9:F2} {r.FacesPerSecond,8:F1} {r.ImagesPerCpuSecond,10:F2} {r.FacesPerCpuSecond,12:F1}  {r.Load}"));
        }
    }
}

/// <summary>One folder through <c>fer process</c>: rows classified (one per face) and the time it took.</summary>
internal sealed record ThroughputResult(string Folder, string Files, int Images, int Faces, double WallSeconds, double CpuSeconds, string Load)
{
    public double ImagesPerSecond => Images / WallSeconds;

    public double FacesPerSecond => Faces / WallSeconds;

    public double ImagesPerCpuSecond => Images / CpuSeconds;

    public double FacesPerCpuSecond => Faces / CpuSeconds;
}
