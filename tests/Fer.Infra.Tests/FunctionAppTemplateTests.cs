using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

public class FunctionAppTemplateTests
{
    private static PredictedResource Site => MainSnapshot.Defaults.Single("Microsoft.Web/sites");

    private static string FunctionIdentity => MainSnapshot.Defaults.Single("Microsoft.ManagedIdentity/userAssignedIdentities").Id;

    private static Dictionary<string, string> AppSettings() =>
        Site["properties.siteConfig.appSettings"]!.AsArray()
            .OfType<JsonObject>()
            .ToDictionary(setting => (string)setting["name"]!, setting => setting["value"]!.ToString(), StringComparer.Ordinal);

    [Fact]
    public void Plan_is_Flex_Consumption()
    {
        var plan = MainSnapshot.Defaults.Single("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", plan.String("sku.name"));
        Assert.Equal("FlexConsumption", plan.String("sku.tier"));
        Assert.True(plan["properties.reserved"]!.GetValue<bool>());
        Assert.Equal(plan.Id, Site.String("properties.serverFarmId"));
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_Linux()
    {
        Assert.Equal("functionapp,linux", Site.String("kind"));
        Assert.Equal("dotnet-isolated", Site.String("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", Site.String("properties.functionAppConfig.runtime.version"));
        Assert.True(Site["properties.httpsOnly"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(false, 2048, 40)] // the defaults
    [InlineData(true, MainSnapshot.CustomInstanceMemoryMB, MainSnapshot.CustomMaximumInstanceCount)]
    public void Function_app_scale_comes_from_the_parameters(bool custom, int instanceMemoryMB, int maximumInstanceCount)
    {
        var site = (custom ? MainSnapshot.Custom : MainSnapshot.Defaults).Single("Microsoft.Web/sites");

        Assert.Equal(instanceMemoryMB, site["properties.functionAppConfig.scaleAndConcurrency.instanceMemoryMB"]!.GetValue<int>());
        Assert.Equal(maximumInstanceCount, site["properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount"]!.GetValue<int>());
    }

    [Fact]
    public void Function_app_is_tagged_for_the_azd_functions_service()
    {
        Assert.Equal("functions", Site.String("tags.azd-service-name"));
    }

    [Fact]
    public void Function_app_has_a_user_assigned_identity_only()
    {
        Assert.Equal("UserAssigned", Site.String("identity.type"));
        Assert.Equal(FunctionIdentity, Assert.Single(Site["identity.userAssignedIdentities"]!.AsObject()).Key);
    }

    [Fact]
    public void Deployment_package_storage_is_reached_with_the_user_assigned_identity()
    {
        Assert.Equal("blobContainer", Site.String("properties.functionAppConfig.deployment.storage.type"));
        Assert.Equal("UserAssignedIdentity", Site.String("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.Equal(FunctionIdentity, Site.String("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"));
        Assert.Null(Site["properties.functionAppConfig.deployment.storage.authentication.storageAccountConnectionStringName"]);
    }

    [Fact]
    public void AzureWebJobsStorage_is_an_identity_based_connection()
    {
        var settings = AppSettings();

        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.Contains("AzureWebJobsStorage__accountName", settings.Keys);
        Assert.Equal("managedidentity", AppSettings()["AzureWebJobsStorage__credential"]);
        Assert.Contains("AzureWebJobsStorage__clientId", settings.Keys);
    }

    [Fact]
    public void FerStorage_is_an_identity_based_connection_with_blob_queue_and_table_endpoints()
    {
        var settings = AppSettings();

        Assert.Contains("FerStorage__blobServiceUri", settings.Keys);
        Assert.Contains("FerStorage__queueServiceUri", settings.Keys);
        Assert.Contains("FerStorage__tableServiceUri", settings.Keys);
        Assert.Equal("managedidentity", AppSettings()["FerStorage__credential"]);
        Assert.Contains("FerStorage__clientId", settings.Keys);
        Assert.DoesNotContain("FerStorage", settings.Keys);
    }

    [Fact]
    public void Fer_settings_name_the_containers_table_and_default_batch()
    {
        Assert.Equal("faces", AppSettings()["Fer__FacesContainer"]);
        Assert.Equal("models", AppSettings()["Fer__ModelsContainer"]);
        Assert.Equal("emotions", AppSettings()["Fer__ResultsTable"]);
        Assert.Equal("default", AppSettings()["Fer__DefaultBatch"]);
    }

    [Fact]
    public void Application_Insights_is_reached_with_Entra_ID_not_an_instrumentation_key()
    {
        var settings = AppSettings();

        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", settings.Keys);
        var authentication = settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];
        Assert.Contains("ClientId=", authentication, StringComparison.Ordinal);
        Assert.Contains("Authorization=AAD", authentication, StringComparison.Ordinal);
        Assert.DoesNotContain("APPINSIGHTS_INSTRUMENTATIONKEY", settings.Keys);
    }

    [Fact]
    public void Host_diagnostic_events_tables_are_turned_off_by_the_hosts_feature_flag()
    {
        // The monthly AzureFunctionsDiagnosticEvents<yyyyMM> tables would need table rights on the whole account;
        // the app's table role covers emotions only (RoleAssignmentTemplateTests), so the feature is off instead.
        var flags = AppSettings()["AzureWebJobsFeatureFlags"].Split(',', StringSplitOptions.TrimEntries);

        Assert.Contains("DisableDiagnosticEventLogging", flags);
    }

    [Fact]
    public void Host_id_is_pinned_to_the_app_name_within_the_hosts_32_characters()
    {
        var hostId = AppSettings()["AzureFunctionsWebHost__hostid"];

        Assert.Equal(Site.Name, hostId);
        Assert.InRange(hostId.Length, 1, 32);
        Assert.Equal(hostId.ToLowerInvariant().TrimEnd('-'), hostId); // what the host would make of it anyway
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
        // The compiled template: every module and branch, whichever parameters a deployment is given.
        Assert.DoesNotContain(forbidden, CompiledMain.Json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Basic_publishing_credentials_are_disabled()
    {
        var policies = MainSnapshot.Defaults.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies");

        Assert.Equal(["ftp", "scm"], policies.Select(policy => policy.ShortName).Order(StringComparer.Ordinal).ToList());
        Assert.All(policies, policy => Assert.False(policy["properties.allow"]!.GetValue<bool>()));
    }
}
