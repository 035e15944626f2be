using System.Collections.Concurrent;
using System.Threading.Channels;
using Azure.Storage.Blobs;
using Fer.Api;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace Fer.Functions.Tests;

/// <summary>
/// The load-and-fault run: 1,000 uploads at once, processed by the blob-trigger function with the
/// host's concurrency and retry policy (host.json), while storage goes down and comes back and a new
/// model is promoted. Bounded: it fails rather than hangs after five minutes.
/// </summary>
public sealed class LoadAndFaultTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int Uploads = 1000;
    private const int Concurrency = 4;   // host.json: extensions.blobs.maxDegreeOfParallelism
    private const int MaxAttempts = 5;   // host.json: extensions.blobs.poisonBlobThreshold
    private static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(12);

    private readonly string work = Path.Combine(Path.GetTempPath(), "fer-load-" + Guid.NewGuid().ToString("N"));
    private AzuriteProcess azurite = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(work);
        azurite = new AzuriteProcess(Path.Combine(work, "azurite"));
        await azurite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await azurite.DisposeAsync();
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task A_thousand_uploads_survive_an_outage_and_a_model_swap_with_one_correct_row_each()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ServiceRegistration.StorageConnectionName] = azurite.ConnectionString,
            ["Fer:ModelRefreshInterval"] = "00:00:00.5",
            ["Fer:ModelCacheDirectory"] = Path.Combine(work, "cache"),
            ["Fer:FaceFinding"] = "whole-image", // load and faults, not faces: the generated uploads are whole-image faces
        }).Build();
        await using var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Critical)).AddFerServing(configuration).BuildServiceProvider();
        var models = services.GetRequiredService<ModelStore>();
        var results = services.GetRequiredService<ResultsStore>();
        var faces = services.GetRequiredKeyedService<BlobContainerClient>(InferenceServiceRegistration.FacesContainerKey);
        await faces.CreateIfNotExistsAsync();
        await results.CreateIfNotExistsAsync();
        var first = TestModels.Export(Path.Combine(work, "m1"), seed: 11, size: 32);
        var second = TestModels.Export(Path.Combine(work, "m2"), seed: 12, size: 32);
        await models.PublishAsync(Path.Combine(work, "m1"), promote: true);
        await models.PublishAsync(Path.Combine(work, "m2"), promote: false);

        // 1,000 uploads at once.
        var names = Enumerable.Range(0, Uploads).Select(i => $"load/{i:D4}.png").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = timeout.Token }, async (name, ct) =>
            await faces.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(TestImages.Png(16, 16, new SKColor((byte)name.GetHashCode(StringComparison.Ordinal), 90, 140))), overwrite: true, ct));

        // The host's loop: each blob is one invocation; a throwing invocation is retried, up to the poison threshold.
        var function = ActivatorUtilities.CreateInstance<ClassifyFaceFunction>(services);
        var queue = Channel.CreateUnbounded<(string Name, int Attempt)>();
        foreach (var name in names)
        {
            queue.Writer.TryWrite((name, 1));
        }

        var (succeeded, retried, poisoned) = (0, 0, new ConcurrentBag<string>());
        var outage = 0;
        var outageObserved = false;
        var swapped = 0;
        async Task<bool> StorageIsDown()
        {
            var probe = new BlobServiceClient(azurite.ConnectionString, new BlobClientOptions { Retry = { MaxRetries = 0 } });
            try
            {
                await probe.GetBlobContainerClient("faces").ExistsAsync(timeout.Token);
                return false;
            }
            catch (Azure.RequestFailedException)
            {
                return true;
            }
        }

        async Task Worker()
        {
            await foreach (var (name, attempt) in queue.Reader.ReadAllAsync(timeout.Token))
            {
                try
                {
                    await function.Run(faces.GetBlobClient(name), name, timeout.Token);
                    var done = Interlocked.Increment(ref succeeded);
                    if (done == 300 && Interlocked.Exchange(ref outage, 1) == 0)
                    {
                        // Storage goes away mid-run for longer than the storage SDK's own retries last (about 7 s),
                        // so invocations fail and the host's retries have to recover them; then it comes back.
                        azurite.Stop();
                        outageObserved = await StorageIsDown();
                        _ = Task.Delay(OutageLength).ContinueWith(_ => azurite.StartAsync(), TaskScheduler.Default).Unwrap();
                    }

                    if (done == 650 && Interlocked.Exchange(ref swapped, 1) == 0)
                    {
                        await models.PromoteAsync(second.Version, timeout.Token); // a new model mid-run
                    }
                }
                catch (Exception) when (!timeout.IsCancellationRequested)
                {
                    Interlocked.Increment(ref retried);
                    if (attempt >= MaxAttempts)
                    {
                        poisoned.Add(name);
                    }
                    else
                    {
                        await Task.Delay(TimeSpan.FromSeconds(attempt), timeout.Token);
                        queue.Writer.TryWrite((name, attempt + 1));
                    }
                }

                if (Volatile.Read(ref succeeded) + poisoned.Count == Uploads)
                {
                    queue.Writer.TryComplete();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(Worker)));

        Assert.Empty(poisoned);
        Assert.Equal(1, outage);
        Assert.True(outageObserved, "storage should have been unreachable during the outage");
        output.WriteLine($"{retried} invocation(s) failed and were retried; the storage SDK's own retries absorb most of an outage this short.");
        var rows = new List<EmotionRow>();
        await foreach (var row in results.AllAsync("load", timeout.Token))
        {
            rows.Add(row);
        }

        Assert.Equal(Uploads, rows.Count);
        Assert.Equal(names.Select(n => n).Order(), rows.Select(r => r.BlobName).Order());
        Assert.All(rows, r => Assert.Equal(ClassificationStatus.Classified, r.Status));
        Assert.Contains(rows, r => r.ModelVersion == first.Version);
        Assert.Contains(rows, r => r.ModelVersion == second.Version);

        // Every row names the model that produced it: its scores are exactly that model's scores.
        using var one = EmotionClassifier.Open(Path.Combine(work, "m1"));
        using var two = EmotionClassifier.Open(Path.Combine(work, "m2"));
        foreach (var row in rows)
        {
            var model = row.ModelVersion == first.Version ? one : row.ModelVersion == second.Version ? two : throw new InvalidOperationException($"unknown version {row.ModelVersion}");
            var content = (await faces.GetBlobClient(row.BlobName).DownloadContentAsync(timeout.Token)).Value.Content.ToArray();
            var expected = model.Classify(content);
            Assert.Equal(expected.Scores[EmotionLabels.Canonical[0]], row.Score(EmotionLabels.Canonical[0])!.Value, 12);
        }
    }
}
