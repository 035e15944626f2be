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
}
