using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

public class StorageTemplateTests
{
    private const string Containers = "Microsoft.Storage/storageAccounts/blobServices/containers";

    [Fact]
    public void Storage_account_accepts_only_Entra_ID_over_TLS_1_2_and_has_no_public_blobs()
    {
        var account = CompiledMain.Single("Microsoft.Storage/storageAccounts");

        Assert.False(account["properties.allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(account["properties.allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", account.EvaluateString("properties.minimumTlsVersion"));
        Assert.True(account["properties.supportsHttpsTrafficOnly"]!.GetValue<bool>());
    }

    [Fact]
    public void Storage_has_the_faces_models_and_training_containers_and_a_deployment_container()
    {
        var names = CompiledMain.Template.ResourcesOfType(Containers)
            .SelectMany(container => container.LastNameSegments)
            .ToList();

        Assert.Contains("faces", names);
        Assert.Contains("models", names);
        Assert.Contains("training", names); // TrainingDataStore.ContainerName: data sets and run checkpoints
        Assert.Contains("eventgrid-deadletter", names); // the Event Grid subscription's dead-letter destination
        Assert.Contains("azure-webjobs-hosts", names); // the Functions host's: created here, the app may not create containers
        Assert.Contains("azure-webjobs-secrets", names);
        Assert.Equal(7, names.Count);
        Assert.All(CompiledMain.Template.ResourcesOfType(Containers), container => Assert.Equal("None", container.EvaluateString("properties.publicAccess")));
    }

    [Fact]
    public void Storage_has_the_emotions_table()
    {
        var table = CompiledMain.Single("Microsoft.Storage/storageAccounts/tableServices/tables");

        Assert.Equal("emotions", LastSegment(table.Name));
    }

    [Fact]
    public void Lifecycle_rule_deletes_faces_after_the_retention_parameter()
    {
        var policy = CompiledMain.Single("Microsoft.Storage/storageAccounts/managementPolicies");
        var rules = policy["properties.policy.rules"]!.AsArray().OfType<JsonObject>().ToList();

        var faces = Assert.Single(rules, rule =>
            ArmTemplate.Select(rule, "definition.filters.prefixMatch")!.AsArray()
                .Any(prefix => policy.Template.Evaluate(prefix)?.GetValue<string>() == "faces/"));
        Assert.True(faces["enabled"]!.GetValue<bool>());
        Assert.Equal("Lifecycle", (string?)faces["type"]);
        var days = policy.Template.Evaluate(ArmTemplate.Select(faces, "definition.actions.baseBlob.delete.daysAfterModificationGreaterThan"));
        Assert.Equal(30, days!.GetValue<long>());

        // The value comes from main.bicep's faceRetentionDays, whose default is 30 days.
        var parameter = CompiledMain.Template.Parameters["faceRetentionDays"]!;
        Assert.Equal("int", (string?)parameter["type"]);
        Assert.Equal(30, parameter["defaultValue"]!.GetValue<int>());
        Assert.Contains("faceRetentionDays", ArmTemplate.Select(faces, "definition.actions.baseBlob.delete.daysAfterModificationGreaterThan")!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Event_Grid_system_topic_watches_the_storage_account()
    {
        var topic = CompiledMain.Single("Microsoft.EventGrid/systemTopics");

        Assert.Equal("Microsoft.Storage.StorageAccounts", topic.EvaluateString("properties.topicType"));
        Assert.Contains("Microsoft.Storage/storageAccounts", topic["properties.source"]!.ToString(), StringComparison.Ordinal);
    }

    private static string LastSegment(string name) => name.Split('/')[^1];
}
