using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

public sealed class HookScriptTests : IDisposable
{
    private const string PublishHook = "publish-demo-model.sh";
    private const string SubscribeHook = "subscribe-blob-events.sh";
    private const string Version = "20261127T1830Z-demo01";
    private const string Key = "fake-blobs-extension-key-0123456789";
    private const string DeadLetterContainerId = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sttest/blobServices/default/containers/eventgrid-deadletter";

    private readonly FakeAz _az = new();
    private readonly string _modelDirectory;

    public HookScriptTests()
    {
        _modelDirectory = Path.Combine(_az.Root, "demo");
        Directory.CreateDirectory(_modelDirectory);
        var model = new byte[4096];
        new Random(7).NextBytes(model);
        File.WriteAllBytes(Path.Combine(_modelDirectory, "model.onnx"), model);
        WriteManifest(Convert.ToHexStringLower(SHA256.HashData(model)));
    }

    public void Dispose() => _az.Dispose();

    private Dictionary<string, string> PublishVariables() => new(StringComparer.Ordinal)
    {
        ["AZURE_STORAGE_ACCOUNT_NAME"] = "stfertest",
        ["FER_DEMO_MODEL_DIR"] = _modelDirectory,
    };

    private static Dictionary<string, string> SubscribeVariables() => new(StringComparer.Ordinal)
    {
        ["AZURE_RESOURCE_GROUP"] = "rg-test",
        ["AZURE_FUNCTION_APP_NAME"] = "func-test",
        ["AZURE_FUNCTION_APP_HOST"] = "func-test.example.net",
        ["AZURE_EVENTGRID_SYSTEM_TOPIC_NAME"] = "evgst-test",
        ["AZURE_EVENTGRID_DEADLETTER_CONTAINER_ID"] = DeadLetterContainerId,
    };

    private void WriteManifest(string sha256) =>
        File.WriteAllText(
            Path.Combine(_modelDirectory, "manifest.json"),
            new JsonObject
            {
                ["schema"] = 1,
                ["name"] = "fer-demo",
                ["version"] = Version,
                ["onnx"] = new JsonObject { ["file"] = "model.onnx", ["sha256"] = sha256 },
            }.ToJsonString());

    private string? CurrentVersion()
    {
        var path = _az.BlobPath("models", "fer/current.json");
        return File.Exists(path) ? (string?)JsonNode.Parse(File.ReadAllText(path))!["version"] : null;
    }

    [Fact]
    public void Publish_builds_fer_once_then_publishes_and_promotes_the_demo_model_with_fer_model_publish()
    {
        var run = _az.RunHook(PublishHook, PublishVariables());

        Assert.True(run.ExitCode == 0, run.ToString());
        var project = RepositoryRoot.Combine("functions", "Fer.Cli");
        Assert.Equal(
            [
                $"build {project} -c Release --nologo -v quiet",
                $"run --project {project} -c Release --no-build -- model list --account stfertest",
                $"run --project {project} -c Release --no-build -- model publish {_modelDirectory} --promote --account stfertest",
            ],
            _az.DotnetCalls);
        Assert.Empty(_az.Calls); // no az: fer is the one implementation of publishing
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(_modelDirectory, "model.onnx")),
            File.ReadAllBytes(_az.BlobPath("models", $"fer/{Version}/model.onnx")));
        Assert.Equal(Version, CurrentVersion());
    }

    [Fact]
    public void Publish_run_again_promotes_the_demo_model_it_already_names()
    {
        Assert.Equal(0, _az.RunHook(PublishHook, PublishVariables()).ExitCode);
        _az.ClearCalls();

        var again = _az.RunHook(PublishHook, PublishVariables());

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.EndsWith($"-- model publish {_modelDirectory} --promote --account stfertest", _az.DotnetCalls[^1], StringComparison.Ordinal);
        Assert.Equal(Version, CurrentVersion());
    }

    [Fact]
    public void Publish_leaves_a_pointer_to_another_promoted_model_alone()
    {
        PromoteAnotherModel();

        var run = _az.RunHook(PublishHook, PublishVariables());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.EndsWith($"-- model publish {_modelDirectory} --account stfertest", _az.DotnetCalls[^1], StringComparison.Ordinal);
        Assert.Equal("trained-later", CurrentVersion());
        Assert.Contains("left as it is", run.StandardError, StringComparison.Ordinal);
        Assert.True(File.Exists(_az.BlobPath("models", $"fer/{Version}/manifest.json")));
    }

    [Fact]
    public void Publish_with_promotion_forced_moves_the_pointer_back_to_the_demo_model()
    {
        PromoteAnotherModel();
        var variables = PublishVariables();
        variables["FER_PROMOTE_DEMO_MODEL"] = "true";

        var run = _az.RunHook(PublishHook, variables);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.EndsWith($"-- model publish {_modelDirectory} --promote --account stfertest", _az.DotnetCalls[^1], StringComparison.Ordinal);
        Assert.Equal(Version, CurrentVersion());
    }

    [Fact]
    public void Publish_without_the_storage_account_variable_fails_naming_it()
    {
        var variables = PublishVariables();
        variables.Remove("AZURE_STORAGE_ACCOUNT_NAME");

        var run = _az.RunHook(PublishHook, variables);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("AZURE_STORAGE_ACCOUNT_NAME", run.StandardError, StringComparison.Ordinal);
        Assert.Empty(_az.DotnetCalls);
    }

    [Fact]
    public void Publish_without_the_model_folder_fails_naming_it()
    {
        var variables = PublishVariables();
        variables["FER_DEMO_MODEL_DIR"] = Path.Combine(_az.Root, "missing");

        var run = _az.RunHook(PublishHook, variables);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("demo model folder not found", run.StandardError, StringComparison.Ordinal);
        Assert.Empty(_az.DotnetCalls);
    }

    [Fact]
    public void Publish_fails_clearly_when_fer_does_not_build()
    {
        File.WriteAllText(Path.Combine(_az.State, "build-fails"), string.Empty);

        var run = _az.RunHook(PublishHook, PublishVariables());

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("could not build fer", run.StandardError, StringComparison.Ordinal);
        Assert.Single(_az.DotnetCalls);
    }

    [Fact]
    public void Publish_retries_then_fails_clearly_when_storage_refuses_access()
    {
        File.WriteAllText(Path.Combine(_az.State, "deny-storage"), string.Empty);

        var run = _az.RunHook(PublishHook, PublishVariables());

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("attempt 1 of 2", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("AuthorizationPermissionMismatch", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("Storage Blob Data Contributor", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(_az.DotnetCalls, call => call.Contains("model publish", StringComparison.Ordinal));
        Assert.Null(CurrentVersion());
    }

    [Fact]
    public void Publish_fails_with_fers_message_when_fer_refuses_the_model()
    {
        File.WriteAllText(Path.Combine(_az.State, "publish-fails"), string.Empty);

        var run = _az.RunHook(PublishHook, PublishVariables());

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("already published with a different model", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("could not publish", run.StandardError, StringComparison.Ordinal);
        Assert.Null(CurrentVersion());
    }

    [Fact]
    public void Hooks_fail_clearly_when_the_Azure_CLI_is_not_logged_in()
    {
        File.WriteAllText(Path.Combine(_az.State, "logged-out"), string.Empty);

        var run = _az.RunHook(SubscribeHook, SubscribeVariables());

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("az login", run.StandardError, StringComparison.Ordinal);
    }

    private void PromoteAnotherModel()
    {
        var manifest = _az.BlobPath("models", "fer/trained-later/manifest.json");
        Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
        File.WriteAllText(manifest, """{"version":"trained-later"}""");
        File.WriteAllText(_az.BlobPath("models", "fer/current.json"), """{"version":"trained-later"}""");
    }

    [Fact]
    public void Subscribe_creates_a_BlobCreated_subscription_on_faces_to_the_blob_webhook()
    {
        File.WriteAllText(Path.Combine(_az.State, "blobs_extension"), Key + "\n");

        var run = _az.RunHook(SubscribeHook, SubscribeVariables());

        Assert.True(run.ExitCode == 0, run.ToString());
        var create = Assert.Single(_az.Calls, call => call.StartsWith("eventgrid system-topic event-subscription create", StringComparison.Ordinal));
        Assert.Contains(
            $"--endpoint https://func-test.example.net/runtime/webhooks/blobs?functionName=Host.Functions.ClassifyFace&code={Key} ",
            create,
            StringComparison.Ordinal);
        Assert.Contains("--endpoint-type webhook", create, StringComparison.Ordinal);
        Assert.Contains("--included-event-types Microsoft.Storage.BlobCreated", create, StringComparison.Ordinal);
        Assert.Contains("--subject-begins-with /blobServices/default/containers/faces/", create, StringComparison.Ordinal);
        Assert.Contains("--system-topic-name evgst-test", create, StringComparison.Ordinal);
        Assert.Contains("--resource-group rg-test", create, StringComparison.Ordinal);
        Assert.Contains($"--deadletter-identity systemassigned --deadletter-identity-endpoint {DeadLetterContainerId} ", create, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, run.StandardOutput + run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Subscribe_run_twice_updates_the_subscription_instead_of_creating_another()
    {
        File.WriteAllText(Path.Combine(_az.State, "blobs_extension"), Key + "\n");
        Assert.Equal(0, _az.RunHook(SubscribeHook, SubscribeVariables()).ExitCode);
        _az.ClearCalls();

        var again = _az.RunHook(SubscribeHook, SubscribeVariables());

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain(_az.Calls, call => call.Contains("event-subscription create", StringComparison.Ordinal));
        var update = Assert.Single(_az.Calls, call => call.StartsWith("eventgrid system-topic event-subscription update", StringComparison.Ordinal));
        Assert.Contains("code=" + Key, update, StringComparison.Ordinal);
        Assert.Contains($"--deadletter-identity-endpoint {DeadLetterContainerId} ", update, StringComparison.Ordinal);
    }

    [Fact]
    public void Subscribe_without_the_blobs_extension_key_fails_explaining_why()
    {
        var run = _az.RunHook(SubscribeHook, SubscribeVariables());

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("blobs_extension", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("ClassifyFace", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(_az.Calls, call => call.Contains("event-subscription create", StringComparison.Ordinal));
    }

    [Fact]
    public void Subscribe_without_azd_outputs_fails_naming_them()
    {
        var run = _az.RunHook(SubscribeHook, new Dictionary<string, string>(StringComparer.Ordinal));

        Assert.NotEqual(0, run.ExitCode);
        foreach (var name in SubscribeVariables().Keys)
        {
            Assert.Contains(name, run.StandardError, StringComparison.Ordinal);
        }
    }
}
