namespace Fer.Infra.Tests;

public class RoleAssignmentTemplateTests
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private sealed record Assignment(string Role, string Scope, string Principal, IReadOnlyList<string> Conditions);

    private static List<Assignment> Assignments() =>
        CompiledMain.Template.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Select(assignment => new Assignment(
                // Lenient: the custom role's id is a guid only known at deployment.
                assignment.Template.Evaluate(assignment["properties.roleDefinitionId"], lenient: true)!.GetValue<string>().Split('/')[^1],
                assignment["scope"]?.ToString() ?? "(deployment scope)",
                assignment["properties.principalId"]!.ToString(),
                ArmTemplate.ConditionsOf(assignment)))
            .ToList();

    private static bool IsFunctionIdentity(Assignment assignment) => assignment.Principal.Contains("functionPrincipalId", StringComparison.Ordinal);

    private static bool IsDeployingUser(Assignment assignment) => assignment.Principal.Contains("userPrincipalId", StringComparison.Ordinal);

    /// <summary>The Event Grid system topic's identity, which writes dead letters (pinned in DeadLetterTemplateTests).</summary>
    private static bool IsEventGridTopic(Assignment assignment) => assignment.Principal.Contains("Microsoft.EventGrid/systemTopics", StringComparison.Ordinal);

    [Fact]
    public void Function_identity_gets_exactly_blob_owner_queue_and_table_contributor_on_storage_and_metrics_publisher_on_App_Insights()
    {
        var function = Assignments().Where(IsFunctionIdentity).ToList();

        Assert.Equal(
            new[] { MonitoringMetricsPublisher, StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor }.Order(StringComparer.Ordinal),
            function.Select(assignment => assignment.Role).Order(StringComparer.Ordinal));
        Assert.All(
            function.Where(assignment => assignment.Role != MonitoringMetricsPublisher),
            assignment => Assert.Contains("resourceId('Microsoft.Storage/storageAccounts'", assignment.Scope, StringComparison.Ordinal));
        Assert.Contains("resourceId('Microsoft.Insights/components'", function.Single(assignment => assignment.Role == MonitoringMetricsPublisher).Scope, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploying_user_gets_blob_and_table_data_contributor_when_a_principal_is_given()
    {
        var user = Assignments().Where(IsDeployingUser).ToList();

        Assert.Equal(
            new[] { StorageTableDataContributor, StorageBlobDataContributor }.Order(StringComparer.Ordinal),
            user.Select(assignment => assignment.Role).Order(StringComparer.Ordinal));
        Assert.All(user, assignment => Assert.Contains("[not(empty(parameters('userPrincipalId')))]", assignment.Conditions));
    }

    [Fact]
    public void Training_VM_identity_reads_and_writes_training_publishes_models_but_cannot_promote()
    {
        var vm = Assignments().Where(assignment => !IsFunctionIdentity(assignment) && !IsDeployingUser(assignment) && !IsEventGridTopic(assignment)).ToList();

        Assert.Equal(3, vm.Count);
        Assert.All(vm, assignment => Assert.Contains("[parameters('deployTrainingVm')]", assignment.Conditions));
        var models = Assert.Single(vm, assignment => assignment.Scope.Contains("parameters('modelsContainerName')", StringComparison.Ordinal));
        var training = Assert.Single(vm, assignment => assignment.Scope.Contains("parameters('trainingContainerName')", StringComparison.Ordinal));
        Assert.Equal((StorageBlobDataContributor, StorageBlobDataContributor), (models.Role, training.Role));
        Assert.All([models, training], assignment => Assert.Contains("Microsoft.Storage/storageAccounts/blobServices/containers", assignment.Scope, StringComparison.Ordinal));

        // On models, an ABAC condition denies writing, appending to and deleting the serving pointer (ModelStore.PointerBlob):
        // versions yes, promotion no.
        var assignment = CompiledMain.Template.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Single(a => (a["scope"]?.ToString() ?? string.Empty).Contains("parameters('modelsContainerName')", StringComparison.Ordinal));
        Assert.Equal("2.0", assignment.EvaluateString("properties.conditionVersion"));
        var condition = assignment.EvaluateString("properties.condition")!;
        foreach (var action in new[] { "blobs/write", "blobs/add/action", "blobs/delete" })
        {
            Assert.Contains($"!(ActionMatches{{'Microsoft.Storage/storageAccounts/blobServices/containers/{action}'}})", condition, StringComparison.Ordinal);
        }

        Assert.Contains("@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringNotEquals 'fer/current.json'", condition, StringComparison.Ordinal);
        var trainingAssignment = CompiledMain.Template.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Single(a => (a["scope"]?.ToString() ?? string.Empty).Contains("parameters('trainingContainerName')", StringComparison.Ordinal));
        Assert.Null(trainingAssignment["properties.condition"]); // data sets and checkpoints: read and written freely
    }

    [Fact]
    public void Training_VM_identity_may_deallocate_its_own_VM_and_nothing_else()
    {
        var definition = CompiledMain.Single("Microsoft.Authorization/roleDefinitions");
        var actions = definition["properties.permissions.0.actions"]!.AsArray().Select(a => (string?)a).ToList();
        Assert.Equal(["Microsoft.Compute/virtualMachines/read", "Microsoft.Compute/virtualMachines/deallocate/action"], actions);
        Assert.Null(definition["properties.permissions.0.dataActions"]);
        Assert.Equal("[resourceGroup().id]", definition["properties.assignableScopes.0"]!.ToString());

        var assignment = Assert.Single(CompiledMain.Template.ResourcesOfType("Microsoft.Authorization/roleAssignments"),
            a => a["properties.roleDefinitionId"]!.ToString().Contains("deallocate-self", StringComparison.Ordinal));
        Assert.Equal("[resourceId('Microsoft.Compute/virtualMachines', parameters('name'))]", assignment["scope"]!.ToString());
    }

    [Theory]
    [InlineData("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")] // Owner
    [InlineData("b24988ac-6180-42a0-ab88-20f7382dd24c")] // Contributor
    [InlineData("17d1049b-9a84-46fb-8f53-869881c3d3ab")] // Storage Account Contributor
    [InlineData("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")] // User Access Administrator
    [InlineData("81a9662b-bebf-436f-a333-f67b29880f12")] // Storage Account Key Operator Service Role
    public void No_control_plane_or_key_role_is_granted(string roleId)
    {
        Assert.DoesNotContain(Assignments(), assignment => assignment.Role == roleId);
        Assert.DoesNotContain(roleId, CompiledMain.Json, StringComparison.OrdinalIgnoreCase);
    }
}
