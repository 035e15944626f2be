using System.Text.RegularExpressions;

namespace Fer.Infra.Tests;

/// <summary>
/// Every role assignment of the snapshot in which all four principals exist (<see cref="MainSnapshot.Custom"/>: a deploying
/// user and the training VM), with its principal, role and scope: the table in infra/README.md ("Roles (least privilege)")
/// and docs/design.md. Scopes are the resource ids the snapshot predicts (a copy loop is already expanded there).
/// </summary>
public class RoleAssignmentTemplateTests
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string DeallocateSelf = "(custom: deallocate-self)";
    private const string ListContainers = "(custom: list-blob-containers)";
    private const string ListContainersAction = "Microsoft.Storage/storageAccounts/blobServices/containers/read";
    private const string RoleAssignments = "Microsoft.Authorization/roleAssignments";

    private static MainSnapshot Snapshot => MainSnapshot.Custom;

    private static string Account => Snapshot.Single("Microsoft.Storage/storageAccounts").Id;

    private static string AppInsights => Snapshot.Single("Microsoft.Insights/components").Id;

    private static string TrainingVm => Snapshot.Single("Microsoft.Compute/virtualMachines").Id;

    /// <summary>The uniqueString() part of the names: "st{token}", "func-{token}".</summary>
    private static string Token => Snapshot.Single("Microsoft.Storage/storageAccounts").Name["st".Length..];

    private static string BlobService => $"{Account}/blobServices/default";

    private static string Container(string name) => $"{Account}/blobServices/default/containers/{name}";

    private static string Queue(string name) => $"{Account}/queueServices/default/queues/{name}";

    private static string Table(string name) => $"{Account}/tableServices/default/tables/{name}";

    private enum Principal
    {
        FunctionApp,
        TrainingVm,
        EventGridTopic,
        DeployingUser,
    }

    private sealed record Assignment(Principal Principal, string Role, string Scope, PredictedResource Resource);

    private static readonly Lazy<IReadOnlyList<Assignment>> All = new(() => AssignmentsOf(Snapshot));

    private static List<Assignment> AssignmentsOf(MainSnapshot snapshot)
    {
        // A managed identity's principal id exists only once it is deployed: the snapshot keeps reference('<id>', ...).principalId.
        var principals = new Dictionary<string, Principal>(StringComparer.Ordinal)
        {
            [IdentityOf(snapshot, "Microsoft.Web/sites")!] = Principal.FunctionApp,
            [snapshot.Single("Microsoft.EventGrid/systemTopics").Id] = Principal.EventGridTopic,
        };
        if (IdentityOf(snapshot, "Microsoft.Compute/virtualMachines") is { } vmIdentity)
        {
            principals[vmIdentity] = Principal.TrainingVm;
        }

        var customRoles = snapshot.OfType("Microsoft.Authorization/roleDefinitions").ToDictionary(definition => definition.Id, CustomRoleLabel, StringComparer.Ordinal);
        return snapshot.OfType(RoleAssignments).Select(resource =>
        {
            var principalId = resource.String("properties.principalId")!;
            var principal = principalId == MainSnapshot.DeployingUserId ? Principal.DeployingUser
                : principals.TryGetValue(Regex.Match(principalId, @"^\[reference\('([^']+)'").Groups[1].Value, out var known) ? known
                : throw new InvalidOperationException($"{resource.Id}: a principal that is none of the four: {principalId}");
            var roleDefinitionId = resource.String("properties.roleDefinitionId")!;
            var role = customRoles.TryGetValue(roleDefinitionId, out var custom) ? custom : roleDefinitionId.Split('/')[^1];
            var suffix = $"/providers/{RoleAssignments}/{resource.Name}";
            Assert.EndsWith(suffix, resource.Id, StringComparison.Ordinal);
            return new Assignment(principal, role, resource.Id[..^suffix.Length], resource);
        }).ToList();
    }

    /// <summary>A custom role by what it allows: the two the template defines, or a failure naming the unknown one.</summary>
    private static string CustomRoleLabel(PredictedResource definition) =>
        Actions(definition) switch
        {
            ["Microsoft.Compute/virtualMachines/read", "Microsoft.Compute/virtualMachines/deallocate/action"] => DeallocateSelf,
            [ListContainersAction] => ListContainers,
            var other => throw new InvalidOperationException($"{definition.Id}: a custom role the tests do not know: {string.Join(", ", other)}"),
        };

    private static List<string?> Actions(PredictedResource definition) =>
        definition["properties.permissions.0.actions"]!.AsArray().Select(a => (string?)a).ToList();

    /// <summary>The user-assigned identity of the one resource of a type, or null when there is none.</summary>
    private static string? IdentityOf(MainSnapshot snapshot, string type) =>
        snapshot.OfType(type).SingleOrDefault()?["identity.userAssignedIdentities"]?.AsObject().Single().Key;

    private static IEnumerable<(Principal, string, string)> Rows(Principal principal) =>
        All.Value.Where(assignment => assignment.Principal == principal)
            .Select(assignment => (assignment.Principal, assignment.Role, assignment.Scope))
            .OrderBy(row => row.Scope, StringComparer.Ordinal)
            .ThenBy(row => row.Role, StringComparer.Ordinal);

    private static IEnumerable<(Principal, string, string)> Sorted(params (Principal, string, string)[] rows) =>
        rows.OrderBy(row => row.Item3, StringComparer.Ordinal).ThenBy(row => row.Item2, StringComparer.Ordinal);

    [Fact]
    public void Function_app_holds_exactly_the_roles_of_the_table_each_on_one_container_queue_or_table()
    {
        const Principal app = Principal.FunctionApp;
        Assert.Equal(
            Sorted(
                (app, StorageBlobDataContributor, Container("faces")),
                (app, StorageBlobDataReader, Container("models")),
                (app, StorageBlobDataContributor, Container($"app-package-{Token}")),
                (app, StorageBlobDataContributor, Container("azure-webjobs-hosts")),
                (app, StorageBlobDataContributor, Container("azure-webjobs-secrets")),
                (app, StorageQueueDataContributor, Queue("reclassify")),
                (app, StorageQueueDataContributor, Queue("reclassify-poison")),
                (app, StorageQueueDataContributor, Queue("webjobs-blobtrigger-poison")),
                (app, StorageQueueDataContributor, Queue("webjobs-blobtrigger-poison-poison")),
                (app, StorageQueueDataContributor, Queue($"azure-webjobs-blobtrigger-func-{Token}")),
                (app, StorageTableDataContributor, Table("emotions")),
                (app, ListContainers, BlobService),
                (app, MonitoringMetricsPublisher, AppInsights)),
            Rows(app));
    }

    [Fact]
    public void Function_app_has_no_data_role_on_the_whole_account_and_cannot_write_models_or_training_data()
    {
        var app = All.Value.Where(assignment => assignment.Principal == Principal.FunctionApp).ToList();

        Assert.DoesNotContain(app, assignment => assignment.Scope == Account);
        Assert.DoesNotContain(app, assignment => assignment.Scope.EndsWith("/queueServices/default", StringComparison.Ordinal)
            || assignment.Scope.EndsWith("/tableServices/default", StringComparison.Ordinal));
        // On the blob service, only listing containers (the host's health check): no data action, so no blob.
        Assert.Equal(ListContainers, Assert.Single(app, assignment => assignment.Scope == BlobService).Role);
        Assert.DoesNotContain(app, assignment => assignment.Role == StorageBlobDataOwner);
        Assert.Equal(StorageBlobDataReader, Assert.Single(app, assignment => assignment.Scope == Container("models")).Role);
        Assert.DoesNotContain(app, assignment => assignment.Scope == Container("training") || assignment.Scope == Container("eventgrid-deadletter"));
    }

    [Fact]
    public void Every_container_queue_and_table_a_role_is_scoped_to_is_created_by_the_template()
    {
        var containers = Snapshot.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").Select(resource => resource.Id).ToHashSet();
        var queues = Snapshot.OfType("Microsoft.Storage/storageAccounts/queueServices/queues").Select(resource => resource.Id).ToHashSet();
        var tables = Snapshot.OfType("Microsoft.Storage/storageAccounts/tableServices/tables").Select(resource => resource.Id).ToHashSet();

        // An assignment on a container or queue that is not there would fail the deployment, and one the host
        // would have to create could not be created: the app may not create containers or queues elsewhere.
        Assert.All(All.Value.Where(assignment => assignment.Scope.Contains("/containers/", StringComparison.Ordinal)), a => Assert.Contains(a.Scope, containers));
        Assert.All(All.Value.Where(assignment => assignment.Scope.Contains("/queues/", StringComparison.Ordinal)), a => Assert.Contains(a.Scope, queues));
        Assert.All(All.Value.Where(assignment => assignment.Scope.Contains("/tables/", StringComparison.Ordinal)), a => Assert.Contains(a.Scope, tables));
    }

    [Fact]
    public void The_blob_trigger_queue_is_named_for_the_host_id_the_app_is_given()
    {
        var site = Snapshot.Single("Microsoft.Web/sites");
        var hostId = (string?)site["properties.siteConfig.appSettings"]!.AsArray()
            .Single(setting => (string?)setting!["name"] == "AzureFunctionsWebHost__hostid")!["value"];
        var name = site.Name;

        // Pinned to the app's name: unpinned, the host derives its id at run time (from the platform's site and slot
        // variables, or the machine name), which Bicep could not name the queue after.
        Assert.Equal(name, hostId);
        Assert.Contains(All.Value, a => a.Principal == Principal.FunctionApp && a.Scope == Queue($"azure-webjobs-blobtrigger-{name}"));
    }

    [Fact]
    public void Event_Grid_topic_may_write_only_the_dead_letter_container()
    {
        Assert.Equal(
            [(Principal.EventGridTopic, StorageBlobDataContributor, Container("eventgrid-deadletter"))],
            Rows(Principal.EventGridTopic));
    }

    [Fact]
    public void Deploying_user_gets_blob_and_table_data_contributor_on_the_account_when_a_principal_is_given()
    {
        const Principal user = Principal.DeployingUser;
        Assert.Equal(
            Sorted((user, StorageBlobDataContributor, Account), (user, StorageTableDataContributor, Account)),
            Rows(user));
        Assert.All(All.Value.Where(a => a.Principal == user), a => Assert.Equal("User", a.Resource.String("properties.principalType")));

        // Without a principal (principalId's default is empty) the deployer gets nothing.
        Assert.DoesNotContain(AssignmentsOf(MainSnapshot.Defaults), a => a.Principal == user);
    }

    [Fact]
    public void Training_VM_identity_reads_and_writes_training_publishes_models_but_cannot_promote()
    {
        const Principal vm = Principal.TrainingVm;
        Assert.Equal(
            Sorted(
                (vm, StorageBlobDataContributor, Container("models")),
                (vm, StorageBlobDataContributor, Container("training")),
                (vm, DeallocateSelf, TrainingVm)),
            Rows(vm));

        // On models, an ABAC condition denies writing, appending to and deleting the serving pointer (ModelStore.PointerBlob):
        // versions yes, promotion no.
        var assignment = All.Value.Single(a => a.Principal == vm && a.Scope == Container("models")).Resource;
        Assert.Equal("2.0", assignment.String("properties.conditionVersion"));
        var condition = assignment.String("properties.condition")!;
        foreach (var action in new[] { "blobs/write", "blobs/add/action", "blobs/delete" })
        {
            Assert.Contains($"!(ActionMatches{{'Microsoft.Storage/storageAccounts/blobServices/containers/{action}'}})", condition, StringComparison.Ordinal);
        }

        Assert.Contains("@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringNotEquals 'fer/current.json'", condition, StringComparison.Ordinal);
        var training = All.Value.Single(a => a.Principal == vm && a.Scope == Container("training")).Resource;
        Assert.Null(training["properties.condition"]); // data sets and checkpoints: read and written freely

        // Nobody but the VM holds a condition, and no other assignment needs one.
        Assert.All(All.Value.Where(a => a.Resource != assignment), a => Assert.Null(a.Resource["properties.condition"]));
    }

    [Fact]
    public void Training_VM_identity_may_deallocate_its_own_VM_and_nothing_else()
    {
        var definition = Assert.Single(Snapshot.OfType("Microsoft.Authorization/roleDefinitions"), d => CustomRoleLabel(d) == DeallocateSelf);
        Assert.Null(definition["properties.permissions.0.dataActions"]);
        Assert.Equal(Snapshot.ResourceGroupId, Assert.Single(definition["properties.assignableScopes"]!.AsArray())!.ToString());

        var assignment = Assert.Single(All.Value, a => a.Role == DeallocateSelf);
        Assert.Equal(TrainingVm, assignment.Scope);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Function_app_may_list_blob_containers_and_nothing_more_on_the_blob_service(bool custom)
    {
        // The host's AzureWebJobsStorage health check lists containers (account level); without this it reports Unhealthy.
        var snapshot = custom ? MainSnapshot.Custom : MainSnapshot.Defaults;
        var definition = Assert.Single(snapshot.OfType("Microsoft.Authorization/roleDefinitions"), d => CustomRoleLabel(d) == ListContainers);

        Assert.Equal([ListContainersAction], Actions(definition));
        Assert.Null(definition["properties.permissions.0.dataActions"]);
        Assert.Null(definition["properties.permissions.0.notActions"]);
        Assert.Single(definition["properties.permissions"]!.AsArray());
        Assert.Equal(snapshot.ResourceGroupId, Assert.Single(definition["properties.assignableScopes"]!.AsArray())!.ToString());
        var assignment = Assert.Single(AssignmentsOf(snapshot), a => a.Role == ListContainers);
        Assert.Equal((Principal.FunctionApp, $"{snapshot.Single("Microsoft.Storage/storageAccounts").Id}/blobServices/default"), (assignment.Principal, assignment.Scope));
    }

    [Fact]
    public void Every_assignment_belongs_to_one_of_the_four_principals_and_is_in_the_table()
    {
        Assert.Equal(13 + 1 + 2 + 3, All.Value.Count);
        // Without the optional deploying user and training VM: the app's and the topic's.
        Assert.Equal(13 + 1, AssignmentsOf(MainSnapshot.Defaults).Count);
    }

    [Theory]
    [InlineData("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")] // Owner
    [InlineData("b24988ac-6180-42a0-ab88-20f7382dd24c")] // Contributor
    [InlineData("17d1049b-9a84-46fb-8f53-869881c3d3ab")] // Storage Account Contributor
    [InlineData("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")] // User Access Administrator
    [InlineData("81a9662b-bebf-436f-a333-f67b29880f12")] // Storage Account Key Operator Service Role
    [InlineData(StorageBlobDataOwner)]
    public void No_control_plane_key_or_blob_owner_role_is_granted(string roleId)
    {
        Assert.DoesNotContain(All.Value, assignment => assignment.Role == roleId);
        // The compiled template: every module and branch, whichever parameters a deployment is given.
        Assert.DoesNotContain(roleId, CompiledMain.Json, StringComparison.OrdinalIgnoreCase);
    }
}
