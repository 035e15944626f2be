namespace Fer.Infra.Tests;

/// <summary>
/// A stand-in `az` (and `dotnet`, for the fer CLI) for running the hook scripts offline: it logs every call, keeps the
/// models container's blobs as files under a state folder (for the fake `dotnet`), and answers the few commands the hooks use. Each instance owns a temporary
/// folder, removed on dispose.
/// </summary>
internal sealed class FakeAz : IDisposable
{
    private const string Script = """
        #!/usr/bin/env bash
        set -euo pipefail
        printf '%s\n' "$*" >>"$FAKE_AZ_LOG"
        state="$FAKE_AZ_STATE"
        case "$1 $2 ${3:-}" in
          "account show "*)
            [ ! -f "$state/logged-out" ] || { echo "Please run 'az login' to setup account." >&2; exit 1; }
            ;;
          "functionapp keys list")
            if [ -f "$state/blobs_extension" ]; then cat "$state/blobs_extension"; else echo ""; fi
            ;;
          "eventgrid system-topic event-subscription")
            case "$4" in
              show) [ -f "$state/event-subscription" ] || { echo "ResourceNotFound" >&2; exit 3; } ;;
              create|update) printf '%s\n' "$*" >"$state/event-subscription" ;;
              *) echo "fake az: unexpected $*" >&2; exit 2 ;;
            esac
            ;;
          *)
            echo "fake az: unexpected $*" >&2
            exit 2
            ;;
        esac
        """;

    /// <summary>
    /// A stand-in `dotnet` for the publish hook: `build` succeeds (unless state/build-fails), `run ... -- model list`
    /// and `run ... -- model publish DIR [--promote] --account NAME` act on the same blob files as the fake az.
    /// The real rules (verification, immutable versions) are ModelStore's and are tested against Azurite.
    /// </summary>
    private const string DotnetScript = """
        #!/usr/bin/env bash
        set -euo pipefail
        printf '%s\n' "$*" >>"$FAKE_DOTNET_LOG"
        state="$FAKE_AZ_STATE"
        models="$state/blobs/models"
        case "$1" in
          build)
            [ ! -f "$state/build-fails" ] || { echo "error CS0000: fake build failure"; exit 1; }
            exit 0
            ;;
          run) ;;
          *) echo "fake dotnet: unexpected $*" >&2; exit 2 ;;
        esac
        while [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done
        shift
        [ ! -f "$state/deny-storage" ] || { echo "fer: storage is not reachable or refused the request: AuthorizationPermissionMismatch" >&2; exit 1; }
        current=""
        if [ -f "$models/fer/current.json" ]; then
          current="$(sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p' "$models/fer/current.json")"
        fi
        case "$1 $2" in
          "model list")
            for folder in "$models"/fer/*/; do
              [ -d "$folder" ] || continue
              version="$(basename "$folder")"
              if [ "$version" = "$current" ]; then echo "* $version"; else echo "  $version"; fi
            done
            ;;
          "model publish")
            [ ! -f "$state/publish-fails" ] || { echo "fer: Model version 'x' is already published with a different model." >&2; exit 1; }
            dir="$3"
            version="$(sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p' "$dir/manifest.json")"
            mkdir -p "$models/fer/$version"
            cp "$dir"/* "$models/fer/$version/"
            for arg in "$@"; do
              if [ "$arg" = "--promote" ]; then printf '{"version":"%s"}\n' "$version" >"$models/fer/current.json"; fi
            done
            ;;
          *) echo "fake dotnet: unexpected fer $*" >&2; exit 2 ;;
        esac
        """;

    public FakeAz()
    {
        Root = Directory.CreateTempSubdirectory("fer-infra-hooks-").FullName;
        Directory.CreateDirectory(BinDirectory);
        Directory.CreateDirectory(State);
        var az = Path.Combine(BinDirectory, "az");
        File.WriteAllText(az, Script.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var dotnet = Path.Combine(BinDirectory, "dotnet");
        File.WriteAllText(dotnet, DotnetScript.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Root { get; }

    public string State => Path.Combine(Root, "state");

    public string BlobPath(string container, string name) => Path.Combine(State, "blobs", container, name);

    public IReadOnlyList<string> Calls => File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];

    /// <summary>The fake dotnet's calls, one line of arguments each.</summary>
    public IReadOnlyList<string> DotnetCalls => File.Exists(DotnetLogPath) ? File.ReadAllLines(DotnetLogPath) : [];

    public void ClearCalls()
    {
        File.Delete(LogPath);
        File.Delete(DotnetLogPath);
    }

    private string BinDirectory => Path.Combine(Root, "bin");

    private string LogPath => Path.Combine(Root, "az.log");

    private string DotnetLogPath => Path.Combine(Root, "dotnet.log");

    /// <summary>Runs a hook script with the fake az first on PATH and only the given azd variables.</summary>
    public ProcessResult RunHook(string script, IReadOnlyDictionary<string, string> variables)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("AZURE_", StringComparison.Ordinal) || name.StartsWith("FER_", StringComparison.Ordinal))
            {
                environment[name] = null;
            }
        }

        environment["PATH"] = $"{BinDirectory}:{Environment.GetEnvironmentVariable("PATH")}";
        environment["FAKE_AZ_LOG"] = LogPath;
        environment["FAKE_AZ_STATE"] = State;
        environment["FAKE_DOTNET_LOG"] = DotnetLogPath;
        environment["FER_HOOK_RETRIES"] = "2";
        environment["FER_HOOK_RETRY_DELAY"] = "0";
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return ProcessRunner.Run("bash", [RepositoryRoot.Combine("infra", "hooks", script)], Root, environment, TimeSpan.FromMinutes(1));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing a test over.
        }
    }
}
