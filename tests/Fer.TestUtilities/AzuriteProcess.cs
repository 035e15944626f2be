using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fer.Testing;

/// <summary>
/// A real Azurite (the Azure Storage emulator, installed from the repository's package-lock.json with
/// <c>npm ci</c>) on free loopback ports, in memory, started once per test collection and killed by PID: on disposal,
/// on process exit, and by a watchdog when this process dies without running any code (a native crash).
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    // Polls this process's PID; once it is gone, kills Azurite's PID if that is still Azurite (not a reused PID).
    private const string WatchdogScript =
        "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; " +
        "grep -q azurite \"/proc/$2/cmdline\" 2>/dev/null && kill -KILL \"$2\"";

    private readonly string? location;
    private Process? process;
    private Process? watchdog;

    /// <param name="location">A folder to persist data in, so that a restart keeps it; null keeps everything in memory.</param>
    public AzuriteProcess(string? location = null) => this.location = location;

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    /// <summary>The well-known development account of the emulator (not a secret).</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public async Task StartAsync()
    {
        var root = TestRepository.Root;
        var entry = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry))
        {
            throw new InvalidOperationException($"Azurite is not installed ('{entry}' is missing). Run 'npm ci' in the repository root first (.ci/run does).");
        }

        if (BlobPort == 0)
        {
            (BlobPort, QueuePort, TablePort) = (FreePort(), FreePort(), FreePort()); // a restart keeps its ports
        }

        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                entry, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl",
                "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            WorkingDirectory = Path.GetTempPath(), // Azurite writes its debug and extent files relative to here
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        StartWatchdog(process.Id);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (!await Listening(port).ConfigureAwait(false))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"Azurite did not start listening on port {port} (exited: {process.HasExited}).");
                }

                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Stops Azurite the way an outage of a real service looks to clients, but gracefully (SIGTERM, so that
    /// a persistent Azurite flushes its database), then by PID; <see cref="StartAsync"/> brings it back on the same ports.
    /// </summary>
    public void Stop()
    {
        if (process is { HasExited: false })
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit();
            }

            if (!process.WaitForExit(15_000))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }

        Release();
    }

    /// <summary>Azurite keeps running for a while after SIGTERM: kill it by PID.</summary>
    public ValueTask DisposeAsync()
    {
        Kill();
        Release();
        return ValueTask.CompletedTask;
    }

    /// <summary>The watchdog's PID while Azurite runs (null otherwise), for tests of the clean-up.</summary>
    public int? WatchdogId => watchdog is { HasExited: false } ? watchdog.Id : null;

    /// <summary>Azurite's PID while it runs (null otherwise).</summary>
    public int? ProcessId => process is { HasExited: false } ? process.Id : null;

    private void Kill()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    private void KillOnExit(object? sender, EventArgs e) => Kill();

    private void Release()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (watchdog is { HasExited: false })
        {
            watchdog.Kill(entireProcessTree: true);
            watchdog.WaitForExit(5_000);
        }

        watchdog?.Dispose();
        watchdog = null;
        process?.Dispose();
        process = null;
    }

    private void StartWatchdog(int azuritePid)
    {
        var start = new ProcessStartInfo("sh")
        {
            ArgumentList =
            {
                "-c", WatchdogScript, "fer-azurite-watchdog",
                Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                azuritePid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            // Its own pipes: inheriting the test runner's would keep them open after this process dies.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        watchdog = Process.Start(start);
    }

    /// <summary>The repository root (<see cref="TestRepository.Root"/>), for the benchmarks.</summary>
    public static string RepositoryRoot() => TestRepository.Root;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
