namespace Fer.Infra.Tests;

/// <summary>
/// A stand-in `az` for running the hook scripts offline: it logs every call, keeps blobs as files
/// under a state folder, and answers the few commands the hooks use. Each instance owns a temporary
/// folder, removed on dispose.
/// </summary>
internal sealed class FakeAz : IDisposable
{
    private const string Script = """
        #!/usr/bin/env bash
        set -euo pipefail
        printf '%s\n' "$*" >>"$FAKE_AZ_LOG"
        state="$FAKE_AZ_STATE"
        args=("$@")
        opt() {
          local i
          for ((i = 0; i < ${#args[@]}; i++)); do
            if [ "${args[$i]}" = "--$1" ]; then printf '%s' "${args[$((i + 1))]}"; return 0; fi
          done
          return 1
        }
        blob() { printf '%s/blobs/%s/%s' "$state" "$(opt container-name)" "$(opt name)"; }
        case "$1 $2 ${3:-}" in
          "account show "*)
            [ ! -f "$state/logged-out" ] || { echo "Please run 'az login' to setup account." >&2; exit 1; }
            ;;
          "storage blob exists")
            [ "$(opt auth-mode)" = login ] || { echo "fake az: --auth-mode login expected" >&2; exit 2; }
            if [ -f "$(blob)" ]; then echo true; else echo false; fi
            ;;
          "storage blob show")
            [ -f "$(blob)" ] || { echo "BlobNotFound" >&2; exit 3; }
            wc -c <"$(blob)" | tr -d ' '
            ;;
          "storage blob upload")
            [ "$(opt auth-mode)" = login ] || { echo "fake az: --auth-mode login expected" >&2; exit 2; }
            if [ -f "$state/deny-uploads" ]; then
              echo "AuthorizationPermissionMismatch" >&2; exit 1
            fi
            mkdir -p "$(dirname "$(blob)")"
            cp "$(opt file)" "$(blob)"
            ;;
          "storage blob download")
            [ -f "$(blob)" ] || { echo "BlobNotFound" >&2; exit 3; }
            cp "$(blob)" "$(opt file)"
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

    public FakeAz()
    {
        Root = Directory.CreateTempSubdirectory("fer-infra-hooks-").FullName;
        Directory.CreateDirectory(BinDirectory);
        Directory.CreateDirectory(State);
        var az = Path.Combine(BinDirectory, "az");
        File.WriteAllText(az, Script.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Root { get; }

    public string State => Path.Combine(Root, "state");

    public string BlobPath(string container, string name) => Path.Combine(State, "blobs", container, name);

    public IReadOnlyList<string> Calls => File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];

    public void ClearCalls() => File.Delete(LogPath);

    private string BinDirectory => Path.Combine(Root, "bin");

    private string LogPath => Path.Combine(Root, "az.log");

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
