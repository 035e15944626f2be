using System.Net;
using System.Text.Json;
using Fer.Testing;

namespace Fer.Cli.Tests;

/// <summary>
/// <c>fer serve</c> while its storage goes away and comes back: its background loops (the local queue reader, the local
/// blob trigger) log, wait and carry on, so the process keeps serving and picks its work up again.
/// </summary>
public sealed class ServeOutageTests : IAsyncLifetime
{
    private readonly string work = Directory.CreateTempSubdirectory("fer-serve-outage-").FullName;
    private AzuriteProcess azurite = null!;

    public async Task InitializeAsync()
    {
        azurite = new AzuriteProcess(Path.Combine(work, "azurite")); // persisted, so that a restart keeps the model and the queue
        await azurite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await azurite.DisposeAsync();
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task Serve_outlives_a_storage_outage_and_reclassifies_again_once_storage_is_back()
    {
        var storage = new[] { "--connection-string", azurite.ConnectionString };
        Assert.Equal(0, await FerCommandLine.RunAsync(["model", "publish", Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo"), "--promote", .. storage]));
        var serve = await LocalServe.StartAsync(azurite.ConnectionString, TimeSpan.FromMinutes(5));
        using var http = new HttpClient { BaseAddress = serve.Api };

        // Longer than the ~25 s after which the queue reader's unhandled storage error used to stop the host.
        azurite.Stop();
        await Task.WhenAny(serve.Serving, Task.Delay(TimeSpan.FromSeconds(40)));
        Assert.False(serve.Serving.IsCompleted, "fer serve stopped while its storage was down");
        await azurite.StartAsync();

        var folder = Path.Combine(work, "photos");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < 2; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{i}.png"), TestImages.Png(16, 16, SkiaSharp.SKColors.Gray));
        }

        Assert.Equal(0, await FerCommandLine.RunAsync(["upload", folder, "--batch", "after", .. storage]));
        // A client waits out a 503 (storage-unavailable: the restarted emulator may have lost the queue, which the
        // reader creates again on its next try) for its Retry-After.
        var started = await http.PostAsync("batches/after/reclassify", null);
        for (var retries = 0; started.StatusCode == HttpStatusCode.ServiceUnavailable && retries < 12; retries++)
        {
            Assert.Equal("storage-unavailable", JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
            await Task.Delay(started.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5));
            started.Dispose();
            started = await http.PostAsync("batches/after/reclassify", null);
        }

        JsonElement status;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        do
        {
            await Task.Delay(500);
            using var polled = await http.GetAsync("batches/after/reclassify/status");
            status = JsonDocument.Parse(await polled.Content.ReadAsStringAsync()).RootElement.Clone();
        }
        while (status.GetProperty("state").GetString() != "done" && DateTime.UtcNow < deadline && !serve.Serving.IsCompleted);
        await serve.DisposeAsync();

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        started.Dispose();
        Assert.Equal(("done", 2), (status.GetProperty("state").GetString(), status.GetProperty("processed").GetInt32()));
        Assert.Equal(0, await serve.Serving);
    }
}
