using System.Text.Json;
using Fer.Api;

namespace Fer.Functions.Tests;

/// <summary>The OpenAPI document describes exactly the route table's routes: a route added without documenting it fails here.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public void The_documented_paths_methods_and_operation_ids_are_the_route_tables()
    {
        using var document = JsonDocument.Parse(OpenApiDocument.Json);
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Path: path.Name, Method: operation.Name.ToUpperInvariant(), Name: operation.Value.GetProperty("operationId").GetString())))
            .Order().ToList();
        var table = ApiRoutes.All.Select(route => (Path: "/api/" + route.Template, route.Method, Name: (string?)route.Name)).Order().ToList();

        Assert.Equal("3.0.3", document.RootElement.GetProperty("openapi").GetString());
        Assert.Equal(table, documented);
    }

    [Fact]
    public void Every_schema_reference_resolves()
    {
        var json = System.Text.Encoding.UTF8.GetString(OpenApiDocument.Json);
        using var document = JsonDocument.Parse(json);
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(s => s.Name).ToHashSet();

        var references = System.Text.RegularExpressions.Regex.Matches(json, "\"#/components/schemas/([^\"]+)\"").Select(m => m.Groups[1].Value).ToHashSet();

        Assert.NotEmpty(references);
        Assert.Subset(schemas, references);
    }
}
