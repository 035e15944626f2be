using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Fer.Infra.Tests;

/// <summary>azure.yaml read with YamlDotNet and checked against schemas/azure.yaml.schema.json.</summary>
internal static class AzureYamlSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(
        File.ReadAllText(RepositoryRoot.Combine("schemas", "azure.yaml.schema.json")),
        new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    public static string AzureYamlText => File.ReadAllText(RepositoryRoot.Combine("azure.yaml"));

    public static JsonNode AzureYaml => Parse(AzureYamlText) ?? throw new FormatException("azure.yaml is empty.");

    /// <summary>
    /// The single YAML document in <paramref name="yaml"/> as JSON, plain scalars typed as the YAML 1.2
    /// core schema has it (null, booleans, integers, floats); quoted scalars stay strings.
    /// </summary>
    public static JsonNode? Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count switch
        {
            0 => null,
            1 => ToJson(stream.Documents[0].RootNode),
            _ => throw new FormatException("expected one YAML document"),
        };
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(entry =>
            KeyValuePair.Create(((YamlScalarNode)entry.Key).Value ?? string.Empty, ToJson(entry.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var text } => PlainScalar(text ?? string.Empty),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new FormatException($"unsupported YAML node at {node.Start}"),
    };

    private static JsonValue? PlainScalar(string text) => text switch
    {
        "" or "~" or "null" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => JsonValue.Create(true),
        "false" or "False" or "FALSE" => JsonValue.Create(false),
        _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) => JsonValue.Create(number),
        _ => JsonValue.Create(text),
    };

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
