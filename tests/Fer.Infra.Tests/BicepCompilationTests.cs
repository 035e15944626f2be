namespace Fer.Infra.Tests;

public class BicepCompilationTests
{
    [Fact]
    public void Bicep_build_of_main_succeeds_without_warnings()
    {
        var build = CompiledMain.BuildResult;

        Assert.True(build.ExitCode == 0, build.ToString());
        // Warnings (BCP081 for API versions without types, linter warnings, ...) go to stderr.
        Assert.True(string.IsNullOrWhiteSpace(build.StandardError), $"bicep build reported:\n{build.StandardError}");
        Assert.StartsWith("{", build.StandardOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bicep_lint_of_main_reports_nothing()
    {
        var lint = BicepCli.Run("lint", CompiledMain.MainBicep);

        Assert.True(lint.ExitCode == 0, lint.ToString());
        Assert.True(string.IsNullOrWhiteSpace(lint.StandardOutput) && string.IsNullOrWhiteSpace(lint.StandardError), lint.ToString());
    }

    [Fact]
    public void Bicep_lint_is_strict_where_it_matters()
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("infra", "bicepconfig.json")));
        var core = config.RootElement.GetProperty("analyzers").GetProperty("core");
        Assert.True(core.GetProperty("enabled").GetBoolean());
        var rules = core.GetProperty("rules");

        string[] errors =
        [
            "no-hardcoded-env-urls", "secure-parameter-default", "outputs-should-not-contain-secrets",
            "no-unused-params", "no-unused-vars", "adminusername-should-not-be-literal",
            "protect-commandtoexecute-secrets", "use-secure-value-for-secure-inputs", "simplify-interpolation",
            "no-unnecessary-dependson", "use-resource-id-functions", "prefer-interpolation",
        ];
        foreach (var rule in errors)
        {
            Assert.Equal("error", rules.GetProperty(rule).GetProperty("level").GetString());
        }

        // It depends on the date the linter runs, not on the template.
        Assert.Equal("off", rules.GetProperty("use-recent-api-versions").GetProperty("level").GetString());
    }

    [Fact]
    public void Infra_uses_only_local_modules()
    {
        var bicepFiles = Directory.GetFiles(RepositoryRoot.Combine("infra"), "*.bicep", SearchOption.AllDirectories);
        Assert.NotEmpty(bicepFiles);
        foreach (var file in bicepFiles)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("'br:", text, StringComparison.Ordinal);
            Assert.DoesNotContain("'br/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("'ts:", text, StringComparison.Ordinal);
        }
    }
}
