using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

public class AzureYamlTests
{
    [Fact]
    public void Azure_yaml_validates_against_the_project_schema()
    {
        var results = AzureYamlSchema.Validate(AzureYamlSchema.AzureYaml);

        Assert.True(results.IsValid, AzureYamlSchema.Describe(results));
    }

    [Fact]
    public void Azure_yaml_deploys_the_function_project_with_bicep_from_infra()
    {
        var yaml = AzureYamlSchema.AzureYaml;

        Assert.Equal("fer", (string?)yaml["name"]);
        var functions = yaml["services"]!["functions"]!;
        Assert.Equal("./functions/Fer.Functions", (string?)functions["project"]);
        Assert.Equal("function", (string?)functions["host"]);
        Assert.Equal("dotnet", (string?)functions["language"]);
        Assert.True(File.Exists(RepositoryRoot.Combine("functions", "Fer.Functions", "Fer.Functions.csproj")));
        Assert.Equal("infra", (string?)yaml["infra"]!["path"]);
        Assert.Equal("bicep", (string?)yaml["infra"]!["provider"]);
    }

    [Theory]
    [InlineData("postprovision", "infra/hooks/publish-demo-model.sh")]
    [InlineData("postdeploy", "infra/hooks/subscribe-blob-events.sh")]
    public void Azure_yaml_runs_the_hook_scripts_with_sh(string hook, string script)
    {
        var posix = AzureYamlSchema.AzureYaml["hooks"]![hook]!["posix"]!;

        Assert.Equal("sh", (string?)posix["shell"]);
        Assert.Equal(script, (string?)posix["run"]);
        Assert.False(posix["continueOnError"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("    language: dotnet", "    langauge: dotnet")]
    [InlineData("    host: function", "    host: functionapp")]
    [InlineData("  postdeploy:", "  post-deploy:")]
    [InlineData("      shell: sh", "      shell: bash")]
    [InlineData("  provider: bicep", "  provider: terraform")]
    [InlineData("name: fer", "nmae: fer")]
    [InlineData("      continueOnError: false", "      continueOnErorr: false")]
    public void Azure_yaml_with_a_typo_fails_validation(string original, string typo)
    {
        var text = AzureYamlSchema.AzureYamlText;
        Assert.Contains(original, text, StringComparison.Ordinal);

        var broken = AzureYamlSchema.Parse(ReplaceFirst(text, original, typo));
        var results = AzureYamlSchema.Validate(broken);

        Assert.False(results.IsValid, $"'{typo.Trim()}' was accepted");
    }

    [Fact]
    public void Schema_requires_a_service_project_host_and_language()
    {
        var yaml = AzureYamlSchema.AzureYaml.AsObject();
        yaml["services"]!["functions"]!.AsObject().Remove("host");

        Assert.False(AzureYamlSchema.Validate(yaml).IsValid);
    }

    [Fact]
    public void Schema_accepts_the_documented_pipeline_section()
    {
        var yaml = AzureYamlSchema.AzureYaml.AsObject();
        yaml["pipeline"] = new JsonObject { ["provider"] = "github" };

        Assert.True(AzureYamlSchema.Validate(yaml).IsValid);
    }

    [Fact]
    public void Hook_scripts_are_executable_bash_that_parses()
    {
        foreach (var script in new[] { "publish-demo-model.sh", "subscribe-blob-events.sh" })
        {
            var path = RepositoryRoot.Combine("infra", "hooks", script);
            Assert.StartsWith("#!/usr/bin/env bash\n", File.ReadAllText(path), StringComparison.Ordinal);
            Assert.True((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, $"{script} is not executable");
            var syntax = ProcessRunner.Run("bash", ["-n", path]);
            Assert.True(syntax.ExitCode == 0, syntax.ToString());
        }
    }

    private static string ReplaceFirst(string text, string original, string replacement)
    {
        var index = text.IndexOf(original, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, index), replacement, text.AsSpan(index + original.Length));
    }
}
