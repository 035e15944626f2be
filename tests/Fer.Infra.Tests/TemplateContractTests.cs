using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

public class TemplateContractTests
{
    [Theory]
    [InlineData("AZURE_STORAGE_ACCOUNT_NAME")]
    [InlineData("AZURE_STORAGE_BLOB_ENDPOINT")]
    [InlineData("AZURE_STORAGE_TABLE_ENDPOINT")]
    [InlineData("AZURE_FUNCTION_APP_NAME")]
    [InlineData("AZURE_FUNCTION_APP_HOST")]
    [InlineData("AZURE_EVENTGRID_SYSTEM_TOPIC_NAME")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING")]
    public void Main_template_outputs_what_azd_the_hooks_and_the_CLI_read(string output)
    {
        // Output types are declarations, not in a snapshot; the values are checked in the other tests.
        var declaration = CompiledMain.Outputs[output];

        Assert.NotNull(declaration);
        Assert.Equal("string", (string?)declaration["type"]);
    }

    [Fact]
    public void Outputs_are_not_secure_values()
    {
        foreach (var (name, declaration) in CompiledMain.Outputs)
        {
            Assert.NotEqual("securestring", (string?)declaration!["type"], StringComparer.OrdinalIgnoreCase);
            Assert.DoesNotContain("list", declaration["value"]!.ToString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("KEY", name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Main_template_deploys_at_subscription_scope_into_rg_env()
    {
        Assert.Contains("subscriptionDeploymentTemplate.json", (string?)CompiledMain.Template["$schema"], StringComparison.Ordinal);
        var group = MainSnapshot.Defaults.Single("Microsoft.Resources/resourceGroups");
        Assert.Equal($"rg-{MainSnapshot.EnvironmentName}", group.Name);
        Assert.Equal($"/subscriptions/{BicepSnapshot.SubscriptionId}/resourceGroups/rg-{MainSnapshot.EnvironmentName}", group.Id);
        Assert.Equal(group.Name, MainSnapshot.Defaults.Output("AZURE_RESOURCE_GROUP"));
        // Everything else is in that group.
        Assert.All(MainSnapshot.Custom.Resources.Where(resource => resource.Type != group.Type),
            resource => Assert.StartsWith(group.Id + "/providers/", resource.Id, StringComparison.Ordinal));
    }

    [Fact]
    public void Parameters_file_binds_azd_environment_values_to_declared_parameters()
    {
        var file = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("infra", "main.parameters.json")))!;
        var bound = file["parameters"]!.AsObject();
        // Which parameters main.bicep declares and which have defaults: declarations, read from the compiled template.
        var declared = CompiledMain.Parameters;

        Assert.Equal("${AZURE_ENV_NAME}", (string?)bound["environmentName"]!["value"]);
        Assert.Equal("${AZURE_LOCATION}", (string?)bound["location"]!["value"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", (string?)bound["principalId"]!["value"]);
        foreach (var (name, _) in bound)
        {
            Assert.True(declared.ContainsKey(name), $"main.parameters.json binds '{name}', which main.bicep does not declare");
        }

        foreach (var (name, declaration) in declared)
        {
            if (declaration is JsonObject obj && !obj.ContainsKey("defaultValue"))
            {
                Assert.True(bound.ContainsKey(name), $"main.bicep requires '{name}', which main.parameters.json does not bind");
            }
        }
    }

    [Fact]
    public void Infra_files_name_no_machine_paths()
    {
        var files = Directory.GetFiles(RepositoryRoot.Combine("infra"), "*", SearchOption.AllDirectories)
            .Append(RepositoryRoot.Combine("azure.yaml"));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("/work/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("/root/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("/home/runner", text, StringComparison.Ordinal);
        }
    }
}
