using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

/// <summary>
/// A deliberately small YAML reader for the block-style subset azure.yaml uses: nested mappings,
/// block sequences ("- item", including "- key: value" items), plain, single- and double-quoted
/// scalars, booleans, integers, null, comments. Anything outside that subset (tabs, flow
/// collections, anchors, tags, multi-line scalars, several documents, duplicate keys) is a
/// <see cref="FormatException"/> naming the line, so that azure.yaml stays simple enough to check.
/// </summary>
internal static class MiniYaml
{
    public static JsonNode? Parse(string yaml)
    {
        var lines = Tokenize(yaml);
        if (lines.Count == 0)
        {
            return null;
        }

        var index = 0;
        var root = ParseBlock(lines, ref index, lines[0].Indent);
        if (index < lines.Count)
        {
            throw Error(lines[index], "unexpected indentation");
        }

        return root;
    }

    private sealed record Line(int Number, int Indent, string Text);

    private static List<Line> Tokenize(string yaml)
    {
        var result = new List<Line>();
        var number = 0;
        foreach (var raw in yaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            number++;
            if (raw.Contains('\t', StringComparison.Ordinal))
            {
                throw new FormatException($"line {number}: tabs are not allowed");
            }

            var text = StripComment(raw, number).TrimEnd();
            if (text.Length == 0)
            {
                continue;
            }

            var indent = text.Length - text.TrimStart(' ').Length;
            var content = text[indent..];
            if (content is "---" or "...")
            {
                throw new FormatException($"line {number}: document markers are not supported");
            }

            result.Add(new Line(number, indent, content));
        }

        return result;
    }

    private static string StripComment(string line, int number)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is not null)
            {
                if (c == '\'' && quote == '\'' && i + 1 < line.Length && line[i + 1] == '\'')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }
                else if (c == '\\' && quote == '"')
                {
                    i++;
                }
            }
            else if (c is '\'' or '"' && (i == 0 || line[i - 1] is ' ' or ':' or '-'))
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || line[i - 1] == ' '))
            {
                return line[..i];
            }
        }

        return quote is null ? line : throw new FormatException($"line {number}: unterminated quoted scalar");
    }

    private static JsonNode? ParseBlock(List<Line> lines, ref int index, int indent)
    {
        var first = lines[index];
        if (first.Indent != indent)
        {
            throw Error(first, "unexpected indentation");
        }

        return IsSequenceItem(first.Text) ? ParseSequence(lines, ref index, indent) : ParseMapping(lines, ref index, indent);
    }

    private static bool IsSequenceItem(string text) => text == "-" || text.StartsWith("- ", StringComparison.Ordinal);

    private static JsonArray ParseSequence(List<Line> lines, ref int index, int indent)
    {
        var array = new JsonArray();
        while (index < lines.Count && lines[index].Indent == indent && IsSequenceItem(lines[index].Text))
        {
            var line = lines[index];
            var rest = line.Text.Length > 1 ? line.Text[2..].TrimStart(' ') : string.Empty;
            if (rest.Length == 0)
            {
                index++;
                array.Add(index < lines.Count && lines[index].Indent > indent ? ParseBlock(lines, ref index, lines[index].Indent) : null);
            }
            else if (SplitKey(rest) is not null)
            {
                // "- key: value" starts a mapping whose keys are indented like "key".
                var itemIndent = indent + (line.Text.Length - rest.Length);
                lines[index] = line with { Indent = itemIndent, Text = rest };
                array.Add(ParseMapping(lines, ref index, itemIndent));
            }
            else
            {
                index++;
                array.Add(ParseScalar(rest, line));
            }
        }

        if (index < lines.Count && lines[index].Indent > indent)
        {
            throw Error(lines[index], "unexpected indentation");
        }

        return array;
    }

    private static JsonObject ParseMapping(List<Line> lines, ref int index, int indent)
    {
        var mapping = new JsonObject();
        while (index < lines.Count && lines[index].Indent == indent)
        {
            var line = lines[index];
            if (IsSequenceItem(line.Text))
            {
                throw Error(line, "a sequence item where a mapping key was expected");
            }

            var (key, value) = SplitKey(line.Text) ?? throw Error(line, "expected 'key: value'");
            if (mapping.ContainsKey(key))
            {
                throw Error(line, $"duplicate key '{key}'");
            }

            index++;
            if (value.Length > 0)
            {
                mapping[key] = ParseScalar(value, line);
            }
            else if (index < lines.Count && lines[index].Indent > indent)
            {
                mapping[key] = ParseBlock(lines, ref index, lines[index].Indent);
            }
            else if (index < lines.Count && lines[index].Indent == indent && IsSequenceItem(lines[index].Text))
            {
                // A sequence may sit at the same indentation as its key.
                mapping[key] = ParseSequence(lines, ref index, indent);
            }
            else
            {
                mapping[key] = null;
            }
        }

        if (index < lines.Count && lines[index].Indent > indent)
        {
            throw Error(lines[index], "unexpected indentation");
        }

        return mapping;
    }

    private static (string Key, string Value)? SplitKey(string text)
    {
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0 && text.EndsWith(':'))
        {
            colon = text.Length - 1;
        }

        if (colon <= 0)
        {
            return null;
        }

        var key = text[..colon];
        return key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '$') ? (key, text[(colon + 1)..].Trim()) : null;
    }

    private static JsonValue? ParseScalar(string text, Line line)
    {
        switch (text[0])
        {
            case '\'':
                return JsonValue.Create(ParseSingleQuoted(text, line));
            case '"':
                return JsonValue.Create(ParseDoubleQuoted(text, line));
            case '[' or '{':
                throw Error(line, "flow collections are not supported");
            case '&' or '*':
                throw Error(line, "anchors and aliases are not supported");
            case '!':
                throw Error(line, "tags are not supported");
            case '|' or '>':
                throw Error(line, "block scalars are not supported");
            default:
                break;
        }

        if (text.Contains(": ", StringComparison.Ordinal))
        {
            throw Error(line, "nested mapping on one line");
        }

        return text switch
        {
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            "null" or "Null" or "NULL" or "~" => null,
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }

    private static string ParseSingleQuoted(string text, Line line)
    {
        if (text.Length < 2 || text[^1] != '\'')
        {
            throw Error(line, "unterminated single-quoted scalar");
        }

        var inner = text[1..^1];
        if (inner.Replace("''", string.Empty, StringComparison.Ordinal).Contains('\'', StringComparison.Ordinal))
        {
            throw Error(line, "unexpected text after a single-quoted scalar");
        }

        return inner.Replace("''", "'", StringComparison.Ordinal);
    }

    private static string ParseDoubleQuoted(string text, Line line)
    {
        var builder = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                return i == text.Length - 1 ? builder.ToString() : throw Error(line, "unexpected text after a double-quoted scalar");
            }

            if (c == '\\')
            {
                if (++i >= text.Length)
                {
                    break;
                }

                builder.Append(text[i] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    '\\' => '\\',
                    '"' => '"',
                    '/' => '/',
                    _ => throw Error(line, $"unsupported escape '\\{text[i]}'"),
                });
                continue;
            }

            builder.Append(c);
        }

        throw Error(line, "unterminated double-quoted scalar");
    }

    private static FormatException Error(Line line, string message) => new($"line {line.Number}: {message}");
}
