namespace Fer.Infra.Tests;

public class MonitoringTemplateTests
{
    [Fact]
    public void Application_Insights_has_local_auth_disabled_and_uses_the_workspace()
    {
        var appInsights = CompiledMain.Single("Microsoft.Insights/components");

        Assert.True(appInsights["properties.DisableLocalAuth"]!.GetValue<bool>());
        Assert.Contains("Microsoft.OperationalInsights/workspaces", appInsights["properties.WorkspaceResourceId"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Log_Analytics_has_local_auth_disabled()
    {
        var workspace = CompiledMain.Single("Microsoft.OperationalInsights/workspaces");

        Assert.True(workspace["properties.features.disableLocalAuth"]!.GetValue<bool>());
    }

    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    [Fact]
    public void The_function_app_authenticates_to_Application_Insights_as_its_own_user_assigned_identity()
    {
        var site = CompiledMain.Single("Microsoft.Web/sites");
        var settings = site["properties.siteConfig.appSettings"]!.AsArray()
            .OfType<System.Text.Json.Nodes.JsonObject>()
            .ToDictionary(setting => (string)setting["name"]!, setting => setting["value"]!.ToString(), StringComparer.Ordinal);

        // The form the Functions host and the worker's SDK parse (Microsoft Entra authentication for Application Insights).
        Assert.Equal("[format('Authorization=AAD;ClientId={0}', parameters('identityClientId'))]", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", settings.Keys);

        // That client id, the app's only identity and the principal of its Monitoring Metrics Publisher role
        // are the outputs of one identity module.
        Assert.Matches(IdentityOutput("clientId"), Binding(site.Template, "identityClientId"));
        Assert.Contains("parameters('identityId')", Assert.Single(site["identity.userAssignedIdentities"]!.AsObject()).Key, StringComparison.Ordinal);
        Assert.Matches(IdentityOutput("id"), Binding(site.Template, "identityId"));

        var publisher = Assert.Single(
            CompiledMain.Template.ResourcesOfType("Microsoft.Authorization/roleAssignments"),
            assignment => assignment["properties.roleDefinitionId"]!.ToString().Contains("monitoringMetricsPublisher", StringComparison.Ordinal));
        Assert.Equal(MonitoringMetricsPublisher, publisher.Template.Evaluate(publisher["properties.roleDefinitionId"], lenient: true)!.GetValue<string>().Split('/')[^1]);
        Assert.Equal("[parameters('functionPrincipalId')]", publisher["properties.principalId"]!.ToString());
        Assert.Equal("ServicePrincipal", publisher.EvaluateString("properties.principalType"));
        Assert.Matches(IdentityOutput("principalId"), Binding(publisher.Template, "functionPrincipalId"));

        // Scoped to the component itself (not the resource group), the one the monitoring module creates.
        var scope = publisher.Template.Evaluate(System.Text.Json.Nodes.JsonValue.Create(publisher["scope"]!.ToString()), lenient: true)!.GetValue<string>();
        Assert.Matches("/providers/Microsoft.Insights/components/[^/]+$", scope);
        var component = CompiledMain.Single("Microsoft.Insights/components");
        Assert.EndsWith("/components/" + component.Name, scope, StringComparison.Ordinal);
    }

    private static string IdentityOutput(string output) =>
        $@"^\[reference\(.*'Microsoft\.Resources/deployments', 'function-identity'\), '[^']+'\)\.outputs\.{output}\.value\]$";

    private static string Binding(ArmTemplate module, string parameter) =>
        module.Deployment!["properties"]!["parameters"]![parameter]!["value"]!.ToString();
}
