using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

public class StorageTemplateTests
{
    private const string Containers = "Microsoft.Storage/storageAccounts/blobServices/containers";

    [Fact]
    public void Storage_account_accepts_only_Entra_ID_over_TLS_1_2_and_has_no_public_blobs()
    {
        var account = MainSnapshot.Defaults.Single("Microsoft.Storage/storageAccounts");

        Assert.False(account["properties.allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(account["properties.allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", account.String("properties.minimumTlsVersion"));
        Assert.True(account["properties.supportsHttpsTrafficOnly"]!.GetValue<bool>());
    }

    [Fact]
    public void Storage_has_the_faces_models_and_training_containers_and_a_deployment_container()
    {
        var containers = MainSnapshot.Defaults.OfType(Containers);
        var names = containers.Select(container => container.ShortName).ToList();
        var token = MainSnapshot.Defaults.Single("Microsoft.Storage/storageAccounts").Name["st".Length..];

        Assert.Contains("faces", names);
        Assert.Contains("models", names);
        Assert.Contains("training", names); // TrainingDataStore.ContainerName: data sets and run checkpoints
        Assert.Contains("eventgrid-deadletter", names); // the Event Grid subscription's dead-letter destination
        Assert.Contains("azure-webjobs-hosts", names); // the Functions host's: created here, the app may not create containers
        Assert.Contains("azure-webjobs-secrets", names);
        Assert.Contains($"app-package-{token}", names); // Flex Consumption's deployment package
        Assert.Equal(7, names.Count);
        Assert.All(containers, container => Assert.Equal("None", container.String("properties.publicAccess")));
    }

    [Fact]
    public void Storage_has_the_emotions_table()
    {
        var table = MainSnapshot.Defaults.Single("Microsoft.Storage/storageAccounts/tableServices/tables");

        Assert.Equal("emotions", table.ShortName);
    }

    [Theory]
    [InlineData(false, 30)] // faceRetentionDays' default
    [InlineData(true, MainSnapshot.CustomFaceRetentionDays)]
    public void Lifecycle_rule_deletes_faces_after_the_retention_parameter(bool custom, int retentionDays)
    {
        var policy = (custom ? MainSnapshot.Custom : MainSnapshot.Defaults).Single("Microsoft.Storage/storageAccounts/managementPolicies");
        var rules = policy["properties.policy.rules"]!.AsArray().OfType<JsonObject>().ToList();

        var faces = Assert.Single(rules, rule =>
            PredictedResource.Select(rule, "definition.filters.prefixMatch")!.AsArray().Any(prefix => (string?)prefix == "faces/"));
        Assert.True(faces["enabled"]!.GetValue<bool>());
        Assert.Equal("Lifecycle", (string?)faces["type"]);
        Assert.Equal(retentionDays, PredictedResource.Select(faces, "definition.actions.baseBlob.delete.daysAfterModificationGreaterThan")!.GetValue<int>());
    }

    [Fact]
    public void Retention_is_an_int_parameter_of_30_days_by_default()
    {
        // A parameter's declaration is not in a snapshot: it is read from the compiled template.
        var parameter = CompiledMain.Parameters["faceRetentionDays"]!;
        Assert.Equal("int", (string?)parameter["type"]);
        Assert.Equal(30, parameter["defaultValue"]!.GetValue<int>());
    }

    [Fact]
    public void Event_Grid_system_topic_watches_the_storage_account()
    {
        var topic = MainSnapshot.Defaults.Single("Microsoft.EventGrid/systemTopics");

        Assert.Equal("Microsoft.Storage.StorageAccounts", topic.String("properties.topicType"));
        Assert.Equal(MainSnapshot.Defaults.Single("Microsoft.Storage/storageAccounts").Id, topic.String("properties.source"));
    }
}
