namespace Fer.Infra.Tests;

/// <summary>
/// The training VM's job script (/usr/local/bin/fer-train-job in the cloud-init file), run with bash and fake dotnet,
/// systemctl and curl: what it starts, how it resumes, and when it deallocates the VM.
/// </summary>
public sealed class TrainingJobScriptTests : IDisposable
{
    private const string VmId = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Compute/virtualMachines/vm-train-test";

    private static readonly string Fakes = """
        #!/bin/bash
        echo "$(basename "$0") $*" >> "$FAKE_LOG"
        case "$(basename "$0") $*" in
          "dotnet "*--resume*) exit "${FAKE_RESUME_EXIT:-0}" ;;
          "systemctl is-system-running"*) echo "${FAKE_SYSTEM_STATE:-running}" ;;
          "curl "*compute/resourceId*) echo "__VM__" ;;
          "curl "*oauth2/token*) echo '{"access_token": "fake-token"}' ;;
        esac
        exit 0
        """.Replace("__VM__", VmId, StringComparison.Ordinal);

    private readonly string root = Directory.CreateTempSubdirectory("fer-train-job-").FullName;

    public TrainingJobScriptTests()
    {
        Directory.CreateDirectory(Path.Combine(root, "home", "fer"));
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        foreach (var program in new[] { "dotnet", "systemctl", "curl" })
        {
            var path = Path.Combine(root, "bin", program);
            File.WriteAllText(path, Fakes.ReplaceLineEndings("\n") + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.WriteAllText(Path.Combine(root, "fer-train-job"), ExtractScript());
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private IReadOnlyList<string> Calls => File.Exists(Log) ? File.ReadAllLines(Log) : [];

    private string Log => Path.Combine(root, "calls.log");

    private string Home => Path.Combine(root, "home");

    [Fact]
    public void Start_records_the_job_and_run_starts_it_when_there_is_nothing_to_resume()
    {
        var started = Job(["start", "r1", "--data", "blob:fer2013", "--device", "cuda", "--image-size", "48", "--mirror-average", "--publish"]);
        File.Delete(Log);
        var ran = Job(["run"], new() { ["FAKE_RESUME_EXIT"] = "4" });

        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.True(ran.ExitCode == 0, ran.ToString());
        var build = "dotnet run --project training/Fer.Training -c Release -p:TorchBackend=cuda --";
        Assert.Equal(
            [
                $"{build} train --resume {Home}/runs/r1 --account stfertest --mirror-average --publish",
                $"{build} train --data blob:fer2013 --device cuda --image-size 48 --mirror-average --publish --account stfertest --out {Home}/runs/r1",
            ],
            Calls);
    }

    [Fact]
    public void Run_resumes_and_stops_there_when_the_run_exists()
    {
        Job(["start", "r2", "--data", "blob:fer2013", "--publish"]);
        File.Delete(Log);

        var ran = Job(["run"], new() { ["FAKE_RESUME_EXIT"] = "0" });

        Assert.True(ran.ExitCode == 0, ran.ToString());
        Assert.Equal([$"dotnet run --project training/Fer.Training -c Release -p:TorchBackend=cuda -- train --resume {Home}/runs/r2 --account stfertest --publish"], Calls);
    }

    [Fact]
    public void Finish_disables_the_unit_after_success_and_deallocates_the_VM_with_its_identity()
    {
        var finished = Job(["finish"], new() { ["EXIT_CODE"] = "exited", ["EXIT_STATUS"] = "0" });

        Assert.True(finished.ExitCode == 0, finished.ToString());
        Assert.Contains("systemctl disable fer-train-job", Calls);
        Assert.Contains(Calls, call => call.StartsWith("curl ", StringComparison.Ordinal) && call.Contains("client_id=client-id", StringComparison.Ordinal));
        Assert.Contains(Calls, call => call.Contains("-X POST -H Authorization: Bearer fake-token", StringComparison.Ordinal)
                                       && call.EndsWith($"https://management.azure.com{VmId}/deallocate?api-version=2024-07-01", StringComparison.Ordinal));
    }

    [Fact]
    public void Finish_after_a_failure_deallocates_but_keeps_the_unit_enabled_to_retry()
    {
        Job(["finish"], new() { ["EXIT_CODE"] = "exited", ["EXIT_STATUS"] = "1" });

        Assert.DoesNotContain("systemctl disable fer-train-job", Calls);
        Assert.Contains(Calls, call => call.Contains("/deallocate?", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("killed", "running")] // systemctl stop by hand
    [InlineData("exited", "stopping")] // a shutdown or a Spot eviction: resume at the next boot
    public void Finish_does_nothing_when_the_job_did_not_end_by_itself(string exitCode, string systemState)
    {
        var finished = Job(["finish"], new() { ["EXIT_CODE"] = exitCode, ["EXIT_STATUS"] = "15", ["FAKE_SYSTEM_STATE"] = systemState });

        Assert.Equal(0, finished.ExitCode);
        Assert.DoesNotContain(Calls, call => call.StartsWith("curl", StringComparison.Ordinal) || call.Contains("disable", StringComparison.Ordinal));
    }

    private ProcessResult Job(string[] arguments, Dictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PATH"] = $"{Path.Combine(root, "bin")}:{Environment.GetEnvironmentVariable("PATH")}",
            ["HOME"] = Home,
            ["FAKE_LOG"] = Log,
            ["FER_JOB_FILE"] = Path.Combine(root, "job.env"),
            ["FER_STORAGE_ACCOUNT"] = "stfertest",
            ["AZURE_CLIENT_ID"] = "client-id",
        };
        foreach (var (name, value) in extra ?? [])
        {
            environment[name] = value;
        }

        return ProcessRunner.Run("bash", [Path.Combine(root, "fer-train-job"), .. arguments], root, environment, TimeSpan.FromMinutes(1));
    }

    /// <summary>The script is a block scalar in the cloud-init file: the lines under its "content: |", six spaces in.</summary>
    private static string ExtractScript()
    {
        var lines = File.ReadAllLines(RepositoryRoot.Combine("infra", "modules", "training-vm.cloud-init.yaml"));
        var start = Array.IndexOf(lines, "  - path: /usr/local/bin/fer-train-job") + 3;
        Assert.Equal("    content: |", lines[start - 1]);
        var script = lines.Skip(start).TakeWhile(line => line.Length == 0 || line.StartsWith("      ", StringComparison.Ordinal)).Select(line => line.Length == 0 ? line : line[6..]);
        return string.Join('\n', script) + "\n";
    }
}
