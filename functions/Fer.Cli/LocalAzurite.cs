using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fer.Cli;

/// <summary>Starts the repository's Azurite (installed by npm ci) on its default ports when nothing listens there.</summary>
internal sealed class LocalAzurite : IDisposable
{
    private readonly Process process;

    private LocalAzurite(Process process) => this.process = process;

    public static bool IsListening(int port = 10000)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static LocalAzurite Start()
    {
        var entry = RepositoryPaths.Find("node_modules/azurite/dist/src") is { } folder ? Path.Combine(folder, "azurite.js") : null;
        if (entry is null || !File.Exists(entry))
        {
            throw new CliException("No storage is reachable and Azurite is not installed here: run 'npm ci' in the repository root (it installs the pinned Azurite), then try again.");
        }

        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { entry, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1" },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        var process = Process.Start(start) ?? throw new CliException("Could not start node for Azurite; is Node.js installed?");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var port in new[] { 10000, 10001, 10002 })
        {
            while (!IsListening(port))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new CliException($"Azurite did not start listening on port {port}; is another program using ports 10000-10002?");
                }

                Thread.Sleep(100);
            }
        }

        return new LocalAzurite(process);
    }

    /// <summary>Azurite lingers after SIGTERM; stop it by PID.</summary>
    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }
}
