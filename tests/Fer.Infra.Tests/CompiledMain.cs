namespace Fer.Infra.Tests;

/// <summary>infra/main.bicep compiled once per test run with `bicep build --stdout`.</summary>
internal static class CompiledMain
{
    private static readonly Lazy<ProcessResult> Build = new(() => BicepCli.Run("build", MainBicep, "--stdout"));

    private static readonly Lazy<ArmTemplate> Parsed = new(() =>
    {
        var build = Build.Value;
        Assert.True(build.ExitCode == 0, $"bicep build failed:\n{build}");
        return ArmTemplate.Parse(build.StandardOutput);
    });

    public static string MainBicep => RepositoryRoot.Combine("infra", "main.bicep");

    public static ProcessResult BuildResult => Build.Value;

    public static ArmTemplate Template => Parsed.Value;

    /// <summary>The compiled JSON, all modules included.</summary>
    public static string Json
    {
        get
        {
            _ = Template;
            return Build.Value.StandardOutput;
        }
    }

    public static ArmResource Single(string type)
    {
        var resources = Template.ResourcesOfType(type);
        Assert.True(resources.Count == 1, $"expected exactly one {type}, found {resources.Count}");
        return resources[0];
    }
}
