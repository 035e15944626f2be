using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fer.Inference;

/// <summary>
/// The one JSON spelling of everything Fer writes for people and programs to read: camelCase names and enum values,
/// as the .NET and Azure REST conventions have it. API answers and CLI lines use <see cref="Options"/>; files use
/// <see cref="Files"/>. Files that a later Fer reads back carry <c>"schema": </c><see cref="Schema"/> and are read
/// with <see cref="Read{T}"/>, which still reads the snake_case files of schema 1.
/// </summary>
public static class FerJson
{
    /// <summary>The first schema spelled in camelCase; files without a schema, or with schema 1, are snake_case.</summary>
    public const int Schema = 2;

    private const int LegacySchema = 1;

    /// <summary>Answers and CLI lines: compact, nulls kept so that every field of a shape is always there.</summary>
    public static JsonSerializerOptions Options { get; } = Freeze(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    });

    /// <summary>Files people read (manifests, reports, run files): indented, and a value that is absent is left out.</summary>
    public static JsonSerializerOptions Files { get; } = Freeze(new JsonSerializerOptions(Options)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    /// <summary>How schema 1 was spelled; only read, never written.</summary>
    private static JsonSerializerOptions LegacySnakeCase { get; } = Freeze(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    });

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Files);

    /// <summary>
    /// Reads a file that an older Fer may have written: its <c>schema</c> says the spelling (none or 1: snake_case).
    /// A schema newer than <paramref name="newestKnown"/> is refused, as a newer Fer wrote it.
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON of <typeparamref name="T"/>.</exception>
    /// <exception cref="InvalidDataException">The schema is newer than this Fer reads.</exception>
    public static T? Read<T>(string json, string source, int newestKnown = Schema)
    {
        using var document = JsonDocument.Parse(json);
        var schema = SchemaOf(document.RootElement);
        if (schema > newestKnown || schema < LegacySchema)
        {
            throw new InvalidDataException(
                $"'{source}' has schema {schema}; this version of Fer reads schema {LegacySchema} to {newestKnown}" +
                (schema > newestKnown ? ": a newer Fer wrote it, update Fer to read it." : "."));
        }

        return document.Deserialize<T>(schema == LegacySchema ? LegacySnakeCase : Files);
    }

    /// <summary>The options to read a document that is already parsed (one property of a file read with <see cref="Read{T}"/>).</summary>
    public static JsonSerializerOptions OptionsFor(JsonElement root) => SchemaOf(root) == LegacySchema ? LegacySnakeCase : Files;

    private static int SchemaOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("schema", out var value)
            ? value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var schema) ? schema : throw new JsonException($"schema is {value.GetRawText()}, not a whole number.")
            : LegacySchema;

    private static JsonSerializerOptions Freeze(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
