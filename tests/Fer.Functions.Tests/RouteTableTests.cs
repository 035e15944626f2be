using System.Reflection;
using Fer.Api;
using Microsoft.Azure.Functions.Worker;

namespace Fer.Functions.Tests;

/// <summary>
/// The function app declares the route table's routes: trigger attributes must be constants, so they repeat the
/// table's name, method and template, and this is where a difference between the two fails.
/// </summary>
public sealed class RouteTableTests
{
    [Fact]
    public void Each_http_function_is_one_route_of_the_table_with_its_template_method_and_key()
    {
        var functions = HttpTriggers().ToDictionary(t => t.Name);

        Assert.Equal(ApiRoutes.All.Select(r => r.Name).Order(), functions.Keys.Order());
        Assert.All(ApiRoutes.All, route =>
        {
            var trigger = functions[route.Name].Trigger;
            Assert.Equal(route.Template, trigger.Route);
            Assert.Equal(route.TakesEveryMethod ? null : new[] { route.Method.ToLowerInvariant() }, trigger.Methods);
            Assert.Equal(route.Anonymous ? AuthorizationLevel.Anonymous : AuthorizationLevel.Function, trigger.AuthLevel);
        });
    }

    [Fact]
    public void Route_names_and_templates_are_unique()
    {
        Assert.Equal(ApiRoutes.All.Count, ApiRoutes.All.Select(r => r.Name).Distinct().Count());
        Assert.Equal(ApiRoutes.All.Count, ApiRoutes.All.Select(r => r.Template).Distinct().Count());
    }

    private static IEnumerable<(string Name, HttpTriggerAttribute Trigger)> HttpTriggers() =>
        from method in typeof(HttpFunctions).Assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
        let function = method.GetCustomAttribute<FunctionAttribute>()
        let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null)
        where function is not null && trigger is not null
        select (function.Name, trigger);
}
