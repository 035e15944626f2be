using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fer.Training.Weights;

/// <summary>
/// A weights format in run files, spelled as the file's naming policy spells enum values, and read back from either
/// spelling; schema 1 files of runs started with the student report's checkpoint say <c>seed</c>, now <see cref="WeightFormat.ReportPth"/>.
/// </summary>
internal sealed class WeightFormatJsonConverter : JsonConverter<WeightFormat>
{
    private const string LegacyReportPth = "seed";

    public override WeightFormat Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (text == LegacyReportPth)
        {
            return WeightFormat.ReportPth;
        }

        // camelCase ("reportPth") and snake_case ("report_pth") both name the member once the underscores go.
        return Enum.TryParse<WeightFormat>(text?.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var format) && !int.TryParse(text, out _)
            ? format
            : throw new JsonException($"'{text}' is not a weights format ({string.Join(", ", Enum.GetNames<WeightFormat>())}).");
    }

    public override void Write(Utf8JsonWriter writer, WeightFormat value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var name = value.ToString();
        writer.WriteStringValue(options?.PropertyNamingPolicy?.ConvertName(name) ?? name);
    }
}
