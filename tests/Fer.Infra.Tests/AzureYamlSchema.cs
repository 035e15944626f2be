using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Fer.Infra.Tests;

/// <summary>azure.yaml read with <see cref="MiniYaml"/> and checked against schemas/azure.yaml.schema.json.</summary>
internal static class AzureYamlSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(
        File.ReadAllText(RepositoryRoot.Combine("schemas", "azure.yaml.schema.json")),
        new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    public static string AzureYamlText => File.ReadAllText(RepositoryRoot.Combine("azure.yaml"));

    public static JsonNode AzureYaml => MiniYaml.Parse(AzureYamlText) ?? throw new FormatException("azure.yaml is empty.");

    public static EvaluationResults Validate(JsonNode? instance)
    {
        using var document = JsonDocument.Parse(instance?.ToJsonString() ?? "null");
        return Schema.Value.Evaluate(document.RootElement.Clone(), new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    public static string Describe(EvaluationResults results) =>
        string.Join(
            Environment.NewLine,
            (results.Details ?? []).Where(detail => detail.Errors is { Count: > 0 })
                .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Key}: {error.Value}")));
}
