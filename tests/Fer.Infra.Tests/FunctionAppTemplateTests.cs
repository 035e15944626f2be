using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

public class FunctionAppTemplateTests
{
    private static ArmResource Site => CompiledMain.Single("Microsoft.Web/sites");

    private static Dictionary<string, JsonNode?> AppSettings() =>
        Site["properties.siteConfig.appSettings"]!.AsArray()
            .OfType<JsonObject>()
            .ToDictionary(setting => (string)setting["name"]!, setting => setting["value"], StringComparer.Ordinal);

    private static string? Evaluated(string name) => Site.Template.Evaluate(AppSettings()[name])?.GetValue<string>();

    [Fact]
    public void Plan_is_Flex_Consumption()
    {
        var plan = CompiledMain.Single("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", plan.EvaluateString("sku.name"));
        Assert.Equal("FlexConsumption", plan.EvaluateString("sku.tier"));
        Assert.True(plan["properties.reserved"]!.GetValue<bool>());
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_Linux_with_parameterised_scale()
    {
        Assert.Equal("functionapp,linux", Site.EvaluateString("kind"));
        Assert.Equal("dotnet-isolated", Site.EvaluateString("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", Site.EvaluateString("properties.functionAppConfig.runtime.version"));
        Assert.Contains("parameters('instanceMemoryMB')", Site["properties.functionAppConfig.scaleAndConcurrency.instanceMemoryMB"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("parameters('maximumInstanceCount')", Site["properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(2048, CompiledMain.Template.Parameters["instanceMemoryMB"]!["defaultValue"]!.GetValue<int>());
        Assert.True(Site["properties.httpsOnly"]!.GetValue<bool>());
    }

    [Fact]
    public void Function_app_is_tagged_for_the_azd_functions_service()
    {
        Assert.Contains("'azd-service-name', 'functions'", Site["tags"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Function_app_has_a_user_assigned_identity_only()
    {
        Assert.Equal("UserAssigned", Site.EvaluateString("identity.type"));
        Assert.Single(Site["identity.userAssignedIdentities"]!.AsObject());
    }

    [Fact]
    public void Deployment_package_storage_is_reached_with_the_user_assigned_identity()
    {
        Assert.Equal("blobContainer", Site.EvaluateString("properties.functionAppConfig.deployment.storage.type"));
        Assert.Equal("UserAssignedIdentity", Site.EvaluateString("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.NotNull(Site["properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"]);
        Assert.Null(Site["properties.functionAppConfig.deployment.storage.authentication.storageAccountConnectionStringName"]);
    }

    [Fact]
    public void AzureWebJobsStorage_is_an_identity_based_connection()
    {
        var settings = AppSettings();

        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.Contains("AzureWebJobsStorage__accountName", settings.Keys);
        Assert.Equal("managedidentity", Evaluated("AzureWebJobsStorage__credential"));
        Assert.Contains("AzureWebJobsStorage__clientId", settings.Keys);
    }

    [Fact]
    public void FerStorage_is_an_identity_based_connection_with_blob_queue_and_table_endpoints()
    {
        var settings = AppSettings();

        Assert.Contains("FerStorage__blobServiceUri", settings.Keys);
        Assert.Contains("FerStorage__queueServiceUri", settings.Keys);
        Assert.Contains("FerStorage__tableServiceUri", settings.Keys);
        Assert.Equal("managedidentity", Evaluated("FerStorage__credential"));
        Assert.Contains("FerStorage__clientId", settings.Keys);
        Assert.DoesNotContain("FerStorage", settings.Keys);
    }

    [Fact]
    public void Fer_settings_name_the_containers_table_and_default_batch()
    {
        Assert.Equal("faces", Evaluated("Fer__FacesContainer"));
        Assert.Equal("models", Evaluated("Fer__ModelsContainer"));
        Assert.Equal("emotions", Evaluated("Fer__ResultsTable"));
        Assert.Equal("default", Evaluated("Fer__DefaultBatch"));
    }

    [Fact]
    public void Application_Insights_is_reached_with_Entra_ID_not_an_instrumentation_key()
    {
        var settings = AppSettings();

        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", settings.Keys);
        var authentication = settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]!.ToString();
        Assert.Contains("ClientId=", authentication, StringComparison.Ordinal);
        Assert.Contains("Authorization=AAD", authentication, StringComparison.Ordinal);
        Assert.DoesNotContain("APPINSIGHTS_INSTRUMENTATIONKEY", settings.Keys);
    }

    [Fact]
    public void App_settings_hold_no_runtime_settings_that_Flex_Consumption_rejects()
    {
        var settings = AppSettings();

        foreach (var forbidden in new[] { "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE" })
        {
            Assert.DoesNotContain(forbidden, settings.Keys);
        }
    }

    [Theory]
    [InlineData("AccountKey=")]
    [InlineData("SharedAccessSignature")]
    [InlineData("listKeys(")]
    [InlineData("listAccountSas(")]
    [InlineData("listServiceSas(")]
    [InlineData("InstrumentationKey=")]
    [InlineData("DefaultEndpointsProtocol")]
    public void Template_contains_no_keys_or_key_lookups(string forbidden)
    {
        Assert.DoesNotContain(forbidden, CompiledMain.Json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Basic_publishing_credentials_are_disabled()
    {
        var policies = CompiledMain.Template.ResourcesOfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies");

        Assert.Equal(2, policies.Count);
        Assert.All(policies, policy => Assert.False(policy["properties.allow"]!.GetValue<bool>()));
    }
}
