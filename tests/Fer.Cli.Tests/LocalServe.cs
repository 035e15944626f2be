using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Fer.Cli.Tests;

/// <summary><c>fer serve</c> in this process on a free loopback port, stopped as Ctrl+C stops it (cancellation).</summary>
internal sealed class LocalServe : IAsyncDisposable
{
    private readonly CancellationTokenSource stop;

    private LocalServe(int port, CancellationTokenSource stop, Task<int> serving)
    {
        this.stop = stop;
        Serving = serving;
        Api = new Uri($"http://127.0.0.1:{port}/api/");
    }

    /// <summary>The command's exit code once it has stopped.</summary>
    public Task<int> Serving { get; }

    public Uri Api { get; }

    /// <summary>Starts <c>fer serve</c> against <paramref name="connectionString"/> and waits until it listens; it stops itself after <paramref name="lifetime"/>.</summary>
    /// <param name="options">More of fer serve's options (<c>--allow-host NAME</c>).</param>
    public static async Task<LocalServe> StartAsync(string connectionString, TimeSpan lifetime, params string[] options)
    {
        var port = FreePort();
        var stop = new CancellationTokenSource(lifetime);
        var serving = FerCommandLine.Build()
            .Parse(["serve", "--port", port.ToString(CultureInfo.InvariantCulture), "--connection-string", connectionString, .. options])
            .InvokeAsync(cancellationToken: stop.Token);
        await WaitUntilListeningAsync(port, serving);
        return new LocalServe(port, stop, serving);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The local blob trigger writes an upload's rows shortly after the classify route answers.</summary>
    public static async Task<List<JsonElement>> WaitForRowsAsync(HttpClient http, string batch, int count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            using var response = await http.GetAsync($"batches/{batch}/results");
            var items = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray().ToList();
            if (items.Count >= count || DateTime.UtcNow > deadline)
            {
                return items;
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await Serving;
        stop.Dispose();
    }

    private static async Task WaitUntilListeningAsync(int port, Task<int> serving)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                if (serving.IsCompleted)
                {
                    Assert.Fail($"fer serve ended before it listened, with exit code {await serving}.");
                }

                await Task.Delay(100);
            }
        }
    }
}
