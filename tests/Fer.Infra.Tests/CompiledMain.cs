using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

/// <summary>
/// infra/main.bicep compiled once per test run with `bicep build --stdout`. The tests read resources from
/// <see cref="MainSnapshot"/>; the compiled template is for what a snapshot does not hold: the declarations
/// of parameters and outputs (types, defaults, which are required), the deployment scope, and the text of
/// every branch, conditions not taken included.
/// </summary>
internal static class CompiledMain
{
    private static readonly Lazy<ProcessResult> Build = new(() => BicepCli.Run("build", MainBicep, "--stdout"));

    private static readonly Lazy<JsonObject> Parsed = new(() =>
    {
        var build = Build.Value;
        Assert.True(build.ExitCode == 0, $"bicep build failed:\n{build}");
        return JsonNode.Parse(build.StandardOutput)!.AsObject();
    });

    public static string MainBicep => RepositoryRoot.Combine("infra", "main.bicep");

    public static ProcessResult BuildResult => Build.Value;

    public static JsonObject Template => Parsed.Value;

    public static JsonObject Parameters => Template["parameters"]!.AsObject();

    public static JsonObject Outputs => Template["outputs"]!.AsObject();

    /// <summary>The compiled JSON, all modules included.</summary>
    public static string Json
    {
        get
        {
            _ = Template;
            return Build.Value.StandardOutput;
        }
    }
}
