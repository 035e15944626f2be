using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

/// <summary>Nothing lost, nothing kept too long: Event Grid's dead letters, the reclassify queue, and the row retention setting.</summary>
public class ReliabilityTemplateTests
{
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    [Fact]
    public void The_system_topic_has_an_identity_that_may_write_only_the_dead_letter_container()
    {
        var topic = CompiledMain.Single("Microsoft.EventGrid/systemTopics");
        var writers = CompiledMain.Template.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Where(assignment => assignment["properties.principalId"]!.ToString().Contains("Microsoft.EventGrid/systemTopics", StringComparison.Ordinal))
            .ToList();

        Assert.Equal("SystemAssigned", topic.EvaluateString("identity.type"));
        var writer = Assert.Single(writers);
        Assert.EndsWith("/" + StorageBlobDataContributor, writer.Template.Evaluate(writer["properties.roleDefinitionId"], lenient: true)!.GetValue<string>(), StringComparison.Ordinal);
        var scope = writer["scope"]!.ToString();
        Assert.Contains("blobServices/containers", scope, StringComparison.Ordinal);
        Assert.Contains("deadLetterContainerName", scope, StringComparison.Ordinal);
    }

    [Fact]
    public void Dead_letters_are_deleted_after_the_face_retention_and_their_container_is_a_deployment_output()
    {
        var policy = CompiledMain.Single("Microsoft.Storage/storageAccounts/managementPolicies");
        var rules = policy["properties.policy.rules"]!.AsArray().OfType<JsonObject>().ToList();

        var deadLetters = Assert.Single(rules, rule =>
            ArmTemplate.Select(rule, "definition.filters.prefixMatch")!.AsArray()
                .Any(prefix => policy.Template.Evaluate(prefix)?.GetValue<string>() == "eventgrid-deadletter/"));
        Assert.Contains("faceRetentionDays", ArmTemplate.Select(deadLetters, "definition.actions.baseBlob.delete.daysAfterModificationGreaterThan")!.ToString(), StringComparison.Ordinal);
        Assert.True(CompiledMain.Template.Outputs.ContainsKey("AZURE_EVENTGRID_DEADLETTER_CONTAINER_ID"));
    }

    [Fact]
    public void The_app_gets_the_retention_and_the_reconciler_schedule_and_storage_has_the_reclassify_queue()
    {
        var settings = CompiledMain.Single("Microsoft.Web/sites")["properties.siteConfig.appSettings"]!.AsArray()
            .OfType<JsonObject>()
            .ToDictionary(setting => (string)setting["name"]!, setting => setting["value"]!.ToString(), StringComparer.Ordinal);
        var queues = CompiledMain.Template.ResourcesOfType("Microsoft.Storage/storageAccounts/queueServices/queues")
            .SelectMany(queue => queue.LastNameSegments)
            .ToList();

        Assert.Contains("faceRetentionDays", settings["Fer__FaceRetentionDays"], StringComparison.Ordinal);
        Assert.Contains("reconcileSchedule", settings["FerReconcileSchedule"], StringComparison.Ordinal);
        Assert.Contains("reclassify", queues); // ReclassifyMessages.Name
        Assert.Contains("reclassify-poison", queues);
    }
}
