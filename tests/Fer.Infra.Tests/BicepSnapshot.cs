using System.Globalization;

namespace Fer.Infra.Tests;

/// <summary>
/// `bicep snapshot` of a template with given parameter values: Bicep evaluates every expression it can
/// without Azure (names, ids, conditions, loops, module parameters, fail()) and lists the resources a
/// deployment would create; only values read from deployed resources (reference(), list*()) stay expressions.
/// </summary>
internal static class BicepSnapshot
{
    // A fixed subscription and location: the snapshot's ids and uniqueString() names are the same on every run.
    public const string SubscriptionId = "00000000-0000-0000-0000-000000000000";
    public const string Location = "westeurope";

    /// <summary>Runs the snapshot; on success the JSON is in <see cref="SnapshotRun.Json"/>.</summary>
    public static SnapshotRun Run(string template, IReadOnlyDictionary<string, object> parameters)
    {
        // snapshot takes a .bicepparam file (azd's main.parameters.json holds ${VAR} placeholders), and
        // Bicep accepts only a relative path in its `using`: one is written for each run in a folder of its own.
        var folder = Directory.CreateTempSubdirectory("fer-snapshot-").FullName;
        try
        {
            var parametersFile = Path.Combine(folder, "main.bicepparam");
            File.WriteAllLines(parametersFile, [
                $"using '{Path.GetRelativePath(folder, template)}'",
                .. parameters.Select(parameter => $"param {parameter.Key} = {Literal(parameter.Value)}"),
            ]);
            var result = BicepCli.Run("snapshot", parametersFile, "--subscription-id", SubscriptionId, "--location", Location);
            var snapshotFile = Path.Combine(folder, "main.snapshot.json");
            return new SnapshotRun(result, result.ExitCode == 0 && File.Exists(snapshotFile) ? File.ReadAllText(snapshotFile) : null);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Literal(object value) => value switch
    {
        string text => $"'{text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("'", @"\'", StringComparison.Ordinal).Replace("${", @"\${", StringComparison.Ordinal)}'",
        bool flag => flag ? "true" : "false",
        int number => number.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"No Bicep literal for {value.GetType()}.", nameof(value)),
    };
}

internal sealed record SnapshotRun(ProcessResult Process, string? Json);
