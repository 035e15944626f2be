using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fer.Infra.Tests;

public class MonitoringTemplateTests
{
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    [Fact]
    public void Application_Insights_has_local_auth_disabled_and_uses_the_workspace()
    {
        var appInsights = MainSnapshot.Defaults.Single("Microsoft.Insights/components");
        var workspace = MainSnapshot.Defaults.Single("Microsoft.OperationalInsights/workspaces");

        Assert.True(appInsights["properties.DisableLocalAuth"]!.GetValue<bool>());
        Assert.Equal(workspace.Id, appInsights.String("properties.WorkspaceResourceId"));
    }

    [Fact]
    public void Log_Analytics_has_local_auth_disabled()
    {
        var workspace = MainSnapshot.Defaults.Single("Microsoft.OperationalInsights/workspaces");

        Assert.True(workspace["properties.features.disableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public void The_function_app_authenticates_to_Application_Insights_as_its_own_user_assigned_identity()
    {
        var snapshot = MainSnapshot.Defaults;
        var site = snapshot.Single("Microsoft.Web/sites");
        var identity = snapshot.Single("Microsoft.ManagedIdentity/userAssignedIdentities").Id;
        var settings = site["properties.siteConfig.appSettings"]!.AsArray()
            .OfType<JsonObject>()
            .ToDictionary(setting => (string)setting["name"]!, setting => setting["value"]!.ToString(), StringComparer.Ordinal);

        // The form the Functions host and the worker's SDK parse (Microsoft Entra authentication for Application Insights),
        // with the client id of the app's only identity, which is also the principal of its Monitoring Metrics Publisher role.
        Assert.Matches(
            $@"^{Regex.Escape("[format('Authorization=AAD;ClientId={0}', ")}{Reference(identity)}\.clientId\)\]$",
            settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", settings.Keys);
        Assert.Equal(identity, Assert.Single(site["identity.userAssignedIdentities"]!.AsObject()).Key);

        var publisher = Assert.Single(
            snapshot.OfType("Microsoft.Authorization/roleAssignments"),
            assignment => assignment.String("properties.roleDefinitionId")!.EndsWith("/" + MonitoringMetricsPublisher, StringComparison.Ordinal));
        Assert.Matches($@"^\[{Reference(identity)}\.principalId\]$", publisher.String("properties.principalId"));
        Assert.Equal("ServicePrincipal", publisher.String("properties.principalType"));

        // Scoped to the component itself (not the resource group), the one the monitoring module creates.
        var component = snapshot.Single("Microsoft.Insights/components");
        Assert.Equal($"{component.Id}/providers/Microsoft.Authorization/roleAssignments/{publisher.Name}", publisher.Id);
    }

    private static string Reference(string resourceId) => $@"reference\('{Regex.Escape(resourceId)}', '[^']+'\)";
}
