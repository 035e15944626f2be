using System.Collections.Concurrent;
using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Fer.Testing;
using SkiaSharp;

namespace Fer.Inference.Tests;

/// <summary>
/// Models are reference-counted: a swap never disposes a model that work still holds a lease on, and the old model is
/// disposed as soon as its last lease ends (real models, served from Azurite).
/// </summary>
[Collection(AzuriteTests.Name)]
public sealed class ModelLeaseTests(Azurite azurite) : IDisposable
{
    private readonly TempFolder models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task A_swap_during_long_work_keeps_the_old_model_until_its_last_lease_ends()
    {
        using var storage = new StorageFixture(azurite);
        var a = TestModels.Export(models.Sub("a"), seed: 21);
        var b = TestModels.Export(models.Sub("b"), seed: 22);
        await storage.Models.PublishAsync(models.Sub("a"), promote: true);
        var image = TestImages.Png(30, 30, SKColors.Pink);

        var leaseA = await storage.Provider.AcquireAsync();
        var modelA = leaseA.Model;
        Assert.Equal(a.Version, modelA.Version);
        var before = modelA.Classify(image);

        // The long work still holds A when B is promoted and swapped in.
        await storage.Models.PublishAsync(models.Sub("b"), promote: true);
        await storage.Provider.RefreshAsync();

        using (var leaseB = await storage.Provider.AcquireAsync())
        {
            Assert.Equal(b.Version, leaseB.Model.Version);
            Assert.Equal(b.Version, storage.Provider.Health.Version);
            Assert.NotSame(modelA, leaseB.Model);
        }

        Assert.False(modelA.IsDisposed, "the old model was disposed while a lease on it was open");
        var after = modelA.Classify(image);
        var photo = Assert.Single(await modelA.ClassifyPhotoAsync(image));
        Assert.Equal(ClassificationStatus.Classified, after.Status);
        Assert.Equal(a.Version, after.ModelVersion);
        Assert.Equal(before.Scores, after.Scores); // the same model, not a half-released one
        Assert.Equal(a.Version, photo.ModelVersion);
        Assert.False(modelA.IsDisposed);

        leaseA.Dispose();

        Assert.True(modelA.IsDisposed, "the old model outlived its last lease");
        Assert.Throws<ObjectDisposedException>(() => modelA.Classify(image));
        leaseA.Dispose(); // a second end of the same lease releases nothing more

        // The current model is held by the provider itself: ending every lease on it does not dispose it.
        var again = await storage.Provider.AcquireAsync();
        var modelB = again.Model;
        again.Dispose();
        again.Dispose();
        Assert.False(modelB.IsDisposed);
        Assert.Equal(ClassificationStatus.Classified, modelB.Classify(image).Status);

        // A swap with no lease open disposes the old model at once.
        var c = TestModels.Export(models.Sub("c"), seed: 23);
        await storage.Models.PublishAsync(models.Sub("c"), promote: true);
        await storage.Provider.RefreshAsync();
        Assert.Equal(c.Version, storage.Provider.Health.Version);
        Assert.True(modelB.IsDisposed, "a model that is neither current nor leased was kept");
    }

    [Fact]
    public async Task Many_leases_during_repeated_swaps_never_classify_with_a_disposed_model()
    {
        using var storage = new StorageFixture(azurite, refresh: TimeSpan.FromHours(1)); // the swapper below refreshes
        var versions = new[]
        {
            TestModels.Export(models.Sub("a"), seed: 31).Version,
            TestModels.Export(models.Sub("b"), seed: 32).Version,
        };
        await storage.Models.PublishAsync(models.Sub("a"), promote: true);
        await storage.Models.PublishAsync(models.Sub("b"), promote: false);
        var images = Enumerable.Range(0, 3).Select(i => (ReadOnlyMemory<byte>)TestImages.Png(28 + i, 28, new SKColor((byte)(60 * i), 120, 200))).ToList();
        var seen = new ConcurrentDictionary<EmotionClassifier, byte>();
        var (leases, swaps) = (0, 0);

        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var turn = 0;
            while (!stop.IsCancellationRequested || turn < 3)
            {
                using var lease = await storage.Provider.AcquireAsync();
                var model = lease.Model;
                seen.TryAdd(model, 0);
                Assert.False(model.IsDisposed, "a lease was handed out on a disposed model");
                var results = (turn + w) % 2 == 0
                    ? model.ClassifyBatch(images)
                    : (await Task.WhenAll(images.Select(image => model.ClassifyPhotoAsync(image)))).Select(r => Assert.Single(r)).ToList();
                await Task.Yield(); // let a swap happen while the lease is open
                Assert.All(results, r => Assert.Equal((ClassificationStatus.Classified, model.Version), (r.Status, r.ModelVersion)));
                Assert.False(model.IsDisposed, "the model was disposed under an open lease");
                Interlocked.Increment(ref leases);
                turn++;
            }
        })).ToList();

        for (var i = 1; i <= 8; i++)
        {
            await storage.Models.PromoteAsync(versions[i % 2]);
            await storage.Provider.RefreshAsync();
            Assert.Equal(versions[i % 2], storage.Provider.Health.Version);
            swaps++;
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers); // any ObjectDisposedException or failed result surfaces here

        Assert.Equal(8, swaps);
        Assert.True(leases >= 6 * 3, $"only {leases} leases");
        Assert.True(seen.Count >= 2, $"the workers saw {seen.Count} model instances across 8 swaps");
        using var current = await storage.Provider.AcquireAsync();
        Assert.False(current.Model.IsDisposed);
        Assert.All(seen.Keys.Where(m => !ReferenceEquals(m, current.Model)), m => Assert.True(m.IsDisposed, $"{m.Version} was swapped out and every lease ended, but it was not disposed"));
    }
}
