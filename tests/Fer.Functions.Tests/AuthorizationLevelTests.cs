using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Fer.Functions.Tests;

/// <summary>Every HTTP function's authorization level, pinned: anonymous only where nothing is read or changed (health, the OpenAPI document, the web page's files).</summary>
public sealed class AuthorizationLevelTests
{
    private static readonly HashSet<string> Anonymous = ["Health", "OpenApi", "WebPage", "WebPageFile"];

    [Fact]
    public void Only_health_the_openapi_document_and_the_page_files_are_anonymous_and_everything_else_needs_a_function_key()
    {
        var levels = HttpTriggers().ToDictionary(t => t.Name, t => t.Level);

        Assert.Subset(levels.Keys.ToHashSet(), Anonymous);
        Assert.True(levels.Count > Anonymous.Count, "the functions with a key were not found");
        Assert.All(levels, pair => Assert.True(
            pair.Value == (Anonymous.Contains(pair.Key) ? AuthorizationLevel.Anonymous : AuthorizationLevel.Function),
            $"{pair.Key} is {pair.Value}"));
    }

    private static IEnumerable<(string Name, AuthorizationLevel Level)> HttpTriggers() =>
        from method in typeof(HttpFunctions).Assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
        let function = method.GetCustomAttribute<FunctionAttribute>()
        let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null)
        where function is not null && trigger is not null
        select (function.Name, trigger.AuthLevel);
}
