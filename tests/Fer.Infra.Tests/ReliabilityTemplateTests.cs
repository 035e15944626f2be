using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

/// <summary>Nothing lost, nothing kept too long: Event Grid's dead letters, the reclassify queue, and the row retention setting.</summary>
public class ReliabilityTemplateTests
{
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    private static string DeadLetterContainer(MainSnapshot snapshot) =>
        snapshot.Single("Microsoft.Storage/storageAccounts").Id + "/blobServices/default/containers/eventgrid-deadletter";

    [Fact]
    public void The_system_topic_has_an_identity_that_may_write_only_the_dead_letter_container()
    {
        var snapshot = MainSnapshot.Defaults;
        var topic = snapshot.Single("Microsoft.EventGrid/systemTopics");
        var writers = snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Where(assignment => assignment.String("properties.principalId")!.Contains($"reference('{topic.Id}'", StringComparison.Ordinal))
            .ToList();

        Assert.Equal("SystemAssigned", topic.String("identity.type"));
        var writer = Assert.Single(writers);
        Assert.EndsWith("/" + StorageBlobDataContributor, writer.String("properties.roleDefinitionId"), StringComparison.Ordinal);
        Assert.Equal($"{DeadLetterContainer(snapshot)}/providers/Microsoft.Authorization/roleAssignments/{writer.Name}", writer.Id);
    }

    [Theory]
    [InlineData(false, 30)] // faceRetentionDays' default
    [InlineData(true, MainSnapshot.CustomFaceRetentionDays)]
    public void Dead_letters_are_deleted_after_the_face_retention_and_their_container_is_a_deployment_output(bool custom, int retentionDays)
    {
        var snapshot = custom ? MainSnapshot.Custom : MainSnapshot.Defaults;
        var rules = snapshot.Single("Microsoft.Storage/storageAccounts/managementPolicies")["properties.policy.rules"]!.AsArray().OfType<JsonObject>();

        var deadLetters = Assert.Single(rules, rule =>
            PredictedResource.Select(rule, "definition.filters.prefixMatch")!.AsArray().Any(prefix => (string?)prefix == "eventgrid-deadletter/"));
        Assert.Equal(retentionDays, PredictedResource.Select(deadLetters, "definition.actions.baseBlob.delete.daysAfterModificationGreaterThan")!.GetValue<int>());
        Assert.Equal(DeadLetterContainer(snapshot), snapshot.Output("AZURE_EVENTGRID_DEADLETTER_CONTAINER_ID"));
    }

    [Fact]
    public void The_app_gets_the_retention_and_the_reconciler_schedule_and_storage_has_the_reclassify_queue()
    {
        var snapshot = MainSnapshot.Custom;
        var settings = snapshot.Single("Microsoft.Web/sites")["properties.siteConfig.appSettings"]!.AsArray()
            .OfType<JsonObject>()
            .ToDictionary(setting => (string)setting["name"]!, setting => setting["value"]!.ToString(), StringComparer.Ordinal);
        var queues = snapshot.OfType("Microsoft.Storage/storageAccounts/queueServices/queues").Select(queue => queue.ShortName).ToList();

        Assert.Equal($"{MainSnapshot.CustomFaceRetentionDays}", settings["Fer__FaceRetentionDays"]);
        Assert.Equal("0 */15 * * * *", settings["FerReconcileSchedule"]); // function-app.bicep's reconcileSchedule: every 15 minutes
        Assert.Contains("reclassify", queues); // ReclassifyMessages.Name
        Assert.Contains("reclassify-poison", queues);
    }
}
