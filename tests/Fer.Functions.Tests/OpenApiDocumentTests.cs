using System.Reflection;
using System.Text.Json;
using Fer.Api;
using Microsoft.Azure.Functions.Worker;

namespace Fer.Functions.Tests;

/// <summary>The OpenAPI document describes exactly the HTTP functions that exist: a route added without documenting it fails here.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public void The_documented_paths_and_methods_are_the_http_functions_routes_and_methods()
    {
        var functions = typeof(HttpFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .Select(m => m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null))
            .OfType<HttpTriggerAttribute>()
            .ToDictionary(a => "/api/" + a.Route, a => a.Methods?.Select(m => m.ToLowerInvariant()).Order().ToArray());
        using var document = JsonDocument.Parse(OpenApiDocument.Json);
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateObject().Select(o => o.Name).Order().ToArray());

        Assert.Equal("3.0.3", document.RootElement.GetProperty("openapi").GetString());
        Assert.Equal(functions.Keys.Order(), documented.Keys.Order());
        foreach (var (path, methods) in functions)
        {
            // A function that takes every method (classify, so that it can answer 405 in JSON) documents the ones it serves.
            Assert.True(methods is null ? documented[path].Length > 0 : methods.SequenceEqual(documented[path]), $"{path}: functions take {string.Join(",", methods ?? ["any"])}, the document says {string.Join(",", documented[path])}");
        }
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
