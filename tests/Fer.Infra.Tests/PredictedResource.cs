using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

/// <summary>One resource of a snapshot: id, type and name evaluated, properties as a deployment would send them.</summary>
internal sealed record PredictedResource(JsonObject Json)
{
    public string Id => (string)Json["id"]!;

    public string Type => (string)Json["type"]!;

    public string Name => (string)Json["name"]!;

    /// <summary>The last segment of the name: "faces" for "st…/default/faces".</summary>
    public string ShortName => Name.Split('/')[^1];

    /// <summary>A value by dotted path ("properties.siteConfig.appSettings"); numeric segments index arrays.</summary>
    public JsonNode? this[string path] => Select(Json, path);

    public string? String(string path) => (string?)this[path];

    public static JsonNode? Select(JsonNode? node, string path)
    {
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                JsonObject obj => obj[segment],
                JsonArray array when int.TryParse(segment, out var index) && index < array.Count => array[index],
                _ => null,
            };
        }

        return node;
    }
}
