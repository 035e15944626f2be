using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

/// <summary>
/// The resources and outputs `bicep snapshot` predicts for infra/main.bicep, for the parameter sets the tests
/// use; each set is snapshotted once per test run.
/// </summary>
internal sealed class MainSnapshot
{
    public const string EnvironmentName = "fer-test";
    public const string DeployingUserId = "11111111-2222-3333-4444-555555555555";
    public const string TrainingVmAdmin = "fertester";
    public const string SshPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFerTestKey fer@test";
    public const string SshSourceCidr = "203.0.113.7/32";
    public const int CustomFaceRetentionDays = 7;
    public const int CustomInstanceMemoryMB = 4096;
    public const int CustomMaximumInstanceCount = 5;

    private static readonly Lazy<MainSnapshot> DefaultsSnapshot = new(() => Of(Required));
    private static readonly Lazy<MainSnapshot> CustomSnapshot = new(() => Of(CustomParameters()));
    private static readonly Lazy<MainSnapshot> CustomSpotSnapshot = new(() => Of(CustomParameters(("trainingVmSpot", true))));

    private MainSnapshot(JsonObject json)
    {
        Resources = json["predictedResources"]!.AsArray().OfType<JsonObject>().Select(resource => new PredictedResource(resource)).ToList();
        Outputs = json["outputs"]!.AsObject();
    }

    /// <summary>Only the parameters main.bicep requires: every other one at its default, as azd deploys without FER_* settings.</summary>
    public static MainSnapshot Defaults => DefaultsSnapshot.Value;

    /// <summary>Every optional part on (a deploying user, the training VM) and retention and scale off their defaults.</summary>
    public static MainSnapshot Custom => CustomSnapshot.Value;

    /// <summary><see cref="Custom"/> with the training VM as a Spot VM.</summary>
    public static MainSnapshot CustomSpot => CustomSpotSnapshot.Value;

    public IReadOnlyList<PredictedResource> Resources { get; }

    /// <summary>Output values: evaluated, except those read from deployed resources (reference()).</summary>
    public JsonObject Outputs { get; }

    public string ResourceGroupId => Single("Microsoft.Resources/resourceGroups").Id;

    /// <summary>A snapshot of <see cref="Custom"/> with some values replaced, for runs expected to fail.</summary>
    public static SnapshotRun TryCustom(params (string Name, object Value)[] overrides) => BicepSnapshot.Run(CompiledMain.MainBicep, CustomParameters(overrides));

    public IReadOnlyList<PredictedResource> OfType(string type) =>
        Resources.Where(resource => string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    public PredictedResource Single(string type)
    {
        var resources = OfType(type);
        Assert.True(resources.Count == 1, $"expected exactly one {type}, found {resources.Count}");
        return resources[0];
    }

    public string? Output(string name) => (string?)Outputs[name];

    private static Dictionary<string, object> Required => new()
    {
        ["environmentName"] = EnvironmentName,
        ["location"] = BicepSnapshot.Location,
    };

    private static Dictionary<string, object> CustomParameters(params (string Name, object Value)[] overrides)
    {
        var parameters = Required;
        parameters["principalId"] = DeployingUserId;
        parameters["faceRetentionDays"] = CustomFaceRetentionDays;
        parameters["instanceMemoryMB"] = CustomInstanceMemoryMB;
        parameters["maximumInstanceCount"] = CustomMaximumInstanceCount;
        parameters["deployTrainingVm"] = true;
        parameters["trainingVmAdminUsername"] = TrainingVmAdmin;
        parameters["trainingVmSshPublicKey"] = SshPublicKey;
        parameters["trainingVmSshSourceCidr"] = SshSourceCidr;
        parameters["trainingRepositoryUrl"] = "https://example.com/fer.git";
        foreach (var (name, value) in overrides)
        {
            parameters[name] = value;
        }

        return parameters;
    }

    private static MainSnapshot Of(Dictionary<string, object> parameters)
    {
        var run = BicepSnapshot.Run(CompiledMain.MainBicep, parameters);
        Assert.True(run.Json is not null, $"bicep snapshot failed:\n{run.Process}");
        var json = JsonNode.Parse(run.Json)!.AsObject();
        // None today: a new one may mean a value the snapshot no longer predicts.
        Assert.True(json["diagnostics"] is JsonArray { Count: 0 }, $"bicep snapshot reported:\n{json["diagnostics"]}");
        return new MainSnapshot(json);
    }
}
