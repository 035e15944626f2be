namespace Fer.Cli;

/// <summary>A text cell of the CSV that fer writes: quoted (RFC 4180), and kept from running as a spreadsheet formula.</summary>
internal static class CsvText
{
    /// <summary>
    /// The value in quotes with its quotes doubled; one that starts with = + - @, a tab or a carriage return (a file
    /// name such as <c>=HYPERLINK(...).jpg</c>) gets a leading ' so that a spreadsheet shows it as text. Null is empty.
    /// </summary>
    public static string Field(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        var text = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        return $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
