using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

/// <summary>A resource of a compiled template, with the template (module) it is declared in.</summary>
internal sealed record ArmResource(ArmTemplate Template, JsonObject Json)
{
    public string Type => (string)Json["type"]!;

    public JsonNode? this[string path] => ArmTemplate.Select(Json, path);

    /// <summary>Evaluates a string property (a literal or a simple template expression) in the resource's template.</summary>
    public JsonNode? Evaluate(string path) => Template.Evaluate(this[path]);

    public string? EvaluateString(string path) => Evaluate(path)?.GetValue<string>();

    /// <summary>The resource's name with deploy-time parts as placeholders, e.g. "&lt;uniqueString&gt;/default/faces".</summary>
    public string Name => Template.Evaluate(Json["name"], lenient: true)?.GetValue<string>() ?? string.Empty;

    /// <summary>
    /// The last segment of the resource's name; for a copy loop over a list of names (<c>[for name in list]</c>,
    /// count <c>length(list)</c>) the list's elements, one per copy.
    /// </summary>
    public IReadOnlyList<string> LastNameSegments
    {
        get
        {
            if (Json["copy"] is JsonObject copy)
            {
                var count = copy["count"]!.ToString();
                const string prefix = "[length(", suffix = ")]";
                if (!count.StartsWith(prefix, StringComparison.Ordinal) || !count.EndsWith(suffix, StringComparison.Ordinal))
                {
                    throw new NotSupportedException($"A copy loop over something other than a list: {count}");
                }

                return Template.Evaluate(JsonValue.Create($"[{count[prefix.Length..^suffix.Length]}]"), lenient: true)!.AsArray()
                    .Select(name => name!.GetValue<string>())
                    .ToList();
            }

            return [Name.Split('/')[^1]];
        }
    }
}

/// <summary>
/// A compiled ARM template and, for a module, its parameter bindings in the parent. Bicep compiles
/// modules into nested Microsoft.Resources/deployments; this walks them so that tests can ask for
/// every resource of a type wherever it is declared, and evaluate the simple expressions
/// (parameters, variables, format, concat, subscriptionResourceId) that name them.
/// </summary>
internal sealed class ArmTemplate
{
    private ArmTemplate(JsonObject root, ArmTemplate? parent, JsonObject? bindings, JsonObject? deployment)
    {
        Root = root;
        Parent = parent;
        Bindings = bindings;
        Deployment = deployment;
    }

    public JsonObject Root { get; }

    public ArmTemplate? Parent { get; }

    /// <summary>The module's deployment resource in the parent template (null for the main template).</summary>
    public JsonObject? Deployment { get; }

    private JsonObject? Bindings { get; }

    public static ArmTemplate Parse(string json) =>
        new(JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("The template is not a JSON object."), null, null, null);

    public JsonObject Parameters => Root["parameters"]?.AsObject() ?? [];

    public JsonObject Outputs => Root["outputs"]?.AsObject() ?? [];

    /// <summary>The resources declared directly in this template (languageVersion 1 arrays and 2.0 objects).</summary>
    public IEnumerable<JsonObject> OwnResources => Root["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject symbolic => symbolic.Select(entry => entry.Value).OfType<JsonObject>(),
        _ => [],
    };

    public IEnumerable<ArmTemplate> Modules =>
        OwnResources
            .Where(resource => (string?)resource["type"] == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject)
            .Select(resource => new ArmTemplate(
                resource["properties"]!["template"]!.AsObject(),
                this,
                resource["properties"]?["parameters"] as JsonObject,
                resource));

    /// <summary>Every resource in this template and its modules, depth first.</summary>
    public IEnumerable<ArmResource> AllResources()
    {
        foreach (var resource in OwnResources)
        {
            yield return new ArmResource(this, resource);
        }

        foreach (var module in Modules)
        {
            foreach (var resource in module.AllResources())
            {
                yield return resource;
            }
        }
    }

    public IReadOnlyList<ArmResource> ResourcesOfType(string type) =>
        AllResources().Where(resource => string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The conditions that decide whether a resource is deployed: its own and its enclosing modules'.</summary>
    public static IReadOnlyList<string> ConditionsOf(ArmResource resource)
    {
        var conditions = new List<string>();
        if (resource.Json["condition"] is JsonNode own)
        {
            conditions.Add(own.ToString());
        }

        for (var template = resource.Template; template.Deployment is not null; template = template.Parent!)
        {
            if (template.Deployment["condition"] is JsonNode condition)
            {
                conditions.Add(condition.ToString());
            }
        }

        return conditions;
    }

    /// <summary>A value by dotted path (numeric segments index arrays).</summary>
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

    /// <summary>
    /// The value of a template value: literals as they are, "[...]" expressions evaluated where they use
    /// only the supported functions; otherwise an <see cref="NotSupportedException"/>.
    /// </summary>
    public JsonNode? Evaluate(JsonNode? value, bool lenient = false)
    {
        if (value is JsonValue scalar && scalar.TryGetValue<string>(out var text) && text.StartsWith('[') && !text.StartsWith("[[", StringComparison.Ordinal))
        {
            if (!text.EndsWith(']'))
            {
                throw new FormatException($"Unterminated template expression: {text}");
            }

            return new ArmExpression(text[1..^1], this, lenient).Evaluate();
        }

        if (value is JsonArray array)
        {
            // An array variable or parameter: its elements may be expressions too.
            return new JsonArray(array.Select(element => Evaluate(element, lenient)).ToArray());
        }

        return value?.DeepClone();
    }

    public JsonNode? ParameterValue(string name, bool lenient = false)
    {
        if (Bindings?[name] is JsonObject binding && binding.TryGetPropertyValue("value", out var bound))
        {
            // A module's bindings are expressions of the parent template.
            return Parent!.Evaluate(bound, lenient);
        }

        if (Parameters[name] is JsonObject declaration && declaration.TryGetPropertyValue("defaultValue", out var defaultValue))
        {
            return Evaluate(defaultValue, lenient);
        }

        return lenient ? JsonValue.Create($"<{name}>") : throw new NotSupportedException($"Parameter '{name}' has no value here (no binding and no default).");
    }

    public JsonNode? VariableValue(string name, bool lenient = false)
    {
        var variables = Root["variables"]?.AsObject() ?? throw new NotSupportedException("The template has no variables.");
        if (!variables.TryGetPropertyValue(name, out var value))
        {
            throw new NotSupportedException($"Variable '{name}' is not declared.");
        }

        return Evaluate(value, lenient);
    }
}
