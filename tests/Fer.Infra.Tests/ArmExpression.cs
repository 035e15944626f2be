using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

/// <summary>
/// A small evaluator for the ARM template expressions Bicep emits for names and settings:
/// string literals, integers, true/false, function calls, and property access (.name, ['name'], [0]).
/// Only pure functions that need no deployment are supported; anything else throws
/// <see cref="NotSupportedException"/>, which tells the test that the value is only known at deploy time.
/// In lenient mode such values become the placeholder "&lt;function&gt;" instead (for names whose last
/// segment is known, such as "&lt;uniqueString&gt;/default/faces").
/// </summary>
internal sealed class ArmExpression(string text, ArmTemplate scope, bool lenient)
{
    private int _position;

    public JsonNode? Evaluate()
    {
        var value = ParseExpression();
        SkipSpaces();
        if (_position != text.Length)
        {
            throw new FormatException($"Unexpected '{text[_position..]}' in expression '{text}'.");
        }

        return value;
    }

    private JsonNode? ParseExpression()
    {
        SkipSpaces();
        JsonNode? value;
        var c = Peek();
        if (c == '\'')
        {
            value = JsonValue.Create(ParseString());
        }
        else if (char.IsDigit(c) || c == '-')
        {
            var start = _position++;
            while (_position < text.Length && char.IsDigit(text[_position]))
            {
                _position++;
            }

            value = JsonValue.Create(long.Parse(text[start.._position], CultureInfo.InvariantCulture));
        }
        else if (char.IsLetter(c))
        {
            var name = ParseIdentifier();
            SkipSpaces();
            if (Peek() == '(')
            {
                value = Call(name, ParseArguments());
            }
            else
            {
                value = name switch
                {
                    "true" => JsonValue.Create(true),
                    "false" => JsonValue.Create(false),
                    _ => throw new FormatException($"Unexpected identifier '{name}' in '{text}'."),
                };
            }
        }
        else
        {
            throw new FormatException($"Unexpected '{c}' at {_position} in '{text}'.");
        }

        return ParseAccessors(value);
    }

    private JsonNode? ParseAccessors(JsonNode? value)
    {
        while (true)
        {
            SkipSpaces();
            if (Peek() == '.')
            {
                _position++;
                value = Member(value, ParseIdentifier());
            }
            else if (Peek() == '[')
            {
                _position++;
                var key = ParseExpression();
                Expect(']');
                value = key is JsonValue keyValue && keyValue.TryGetValue<long>(out var index)
                    ? value is JsonArray array ? array[(int)index]?.DeepClone() : Member(value, index.ToString(CultureInfo.InvariantCulture))
                    : Member(value, key?.GetValue<string>() ?? throw new NotSupportedException("Null member name."));
            }
            else
            {
                return value;
            }
        }
    }

    private JsonNode? Member(JsonNode? value, string name) => value switch
    {
        JsonObject obj => obj.FirstOrDefault(entry => string.Equals(entry.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.DeepClone(),
        _ when lenient => JsonValue.Create($"<{name}>"),
        _ => throw new NotSupportedException($"Member '{name}' of a value that is not an object."),
    };

    private List<JsonNode?> ParseArguments()
    {
        Expect('(');
        var arguments = new List<JsonNode?>();
        SkipSpaces();
        if (Peek() == ')')
        {
            _position++;
            return arguments;
        }

        while (true)
        {
            arguments.Add(ParseExpression());
            SkipSpaces();
            if (Peek() == ',')
            {
                _position++;
                continue;
            }

            Expect(')');
            return arguments;
        }
    }

    private JsonNode? Call(string function, List<JsonNode?> arguments)
    {
        string Text(int index) => arguments[index]?.GetValue<string>() ?? throw new NotSupportedException($"{function}: argument {index} is null.");

        switch (function.ToUpperInvariant())
        {
            case "PARAMETERS":
                return scope.ParameterValue(Text(0), lenient);
            case "VARIABLES":
                return scope.VariableValue(Text(0), lenient);
            case "CONCAT":
                return JsonValue.Create(string.Concat(arguments.Select(Format)));
            case "FORMAT":
            {
                var values = arguments.Skip(1).Select(Format).Cast<object?>().ToArray();
                return JsonValue.Create(string.Format(CultureInfo.InvariantCulture, Text(0), values));
            }

            case "TOLOWER":
                return JsonValue.Create(Text(0).ToLowerInvariant());
            case "SUBSCRIPTIONRESOURCEID":
                // Without a subscription: enough to compare role definition ids.
                return JsonValue.Create($"/providers/{Text(0)}/{string.Join('/', Enumerable.Range(1, arguments.Count - 1).Select(Text))}");
            case "RESOURCEID":
            {
                // Without a subscription and resource group: "/providers/Microsoft.Storage/storageAccounts/NAME/blobServices/default/containers/faces",
                // the type's segments interleaved with the names (arguments before the type, a subscription or group, are dropped).
                var typeIndex = arguments.FindIndex(argument => argument is JsonValue v && v.TryGetValue<string>(out var t) && t.Contains('/', StringComparison.Ordinal));
                var segments = Text(typeIndex).Split('/');
                var names = Enumerable.Range(typeIndex + 1, arguments.Count - typeIndex - 1).Select(Text).ToList();
                if (names.Count != segments.Length - 1)
                {
                    throw new FormatException($"resourceId: {segments.Length - 1} names expected for {Text(typeIndex)}, got {names.Count}.");
                }

                return JsonValue.Create($"/providers/{segments[0]}" + string.Concat(names.Select((name, i) => $"/{segments[i + 1]}/{name}")));
            }

            case "CREATEOBJECT":
            {
                var result = new JsonObject();
                for (var i = 0; i + 1 < arguments.Count; i += 2)
                {
                    result[Text(i)] = arguments[i + 1]?.DeepClone();
                }

                return result;
            }

            case "CREATEARRAY":
                return new JsonArray(arguments.Select(argument => argument?.DeepClone()).ToArray());
            default:
                return lenient
                    ? JsonValue.Create($"<{function}>")
                    : throw new NotSupportedException($"Template function '{function}' is evaluated only at deployment time.");
        }
    }

    private static string Format(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "True" : "False",
        _ => value.ToJsonString(),
    };

    private string ParseString()
    {
        Expect('\'');
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= text.Length)
            {
                throw new FormatException($"Unterminated string in '{text}'.");
            }

            var c = text[_position++];
            if (c == '\'')
            {
                if (Peek() == '\'')
                {
                    builder.Append('\'');
                    _position++;
                    continue;
                }

                return builder.ToString();
            }

            builder.Append(c);
        }
    }

    private string ParseIdentifier()
    {
        var start = _position;
        while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] is '_' or '$' or '#'))
        {
            _position++;
        }

        return start == _position ? throw new FormatException($"Identifier expected at {start} in '{text}'.") : text[start.._position];
    }

    private void Expect(char c)
    {
        SkipSpaces();
        if (Peek() != c)
        {
            throw new FormatException($"'{c}' expected at {_position} in '{text}'.");
        }

        _position++;
    }

    private char Peek() => _position < text.Length ? text[_position] : '\0';

    private void SkipSpaces()
    {
        while (_position < text.Length && char.IsWhiteSpace(text[_position]))
        {
            _position++;
        }
    }
}
