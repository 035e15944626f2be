using System.Text.Json;
using Fer.Inference;
using Fer.Training.Training;

namespace Fer.Training.Cli;

/// <summary>The configuration file of a run directory, read back by --resume.</summary>
internal static class RunFiles
{
    public const string ConfigFile = "config.json";

    /// <summary>The --data value a run was started with (a folder or blob:NAME), so that --resume can fetch blob data again.</summary>
    public const string DataSourceKey = "dataSource";

    /// <summary>The same key in the snake_case configuration of runs an older Fer started.</summary>
    private const string LegacyDataSourceKey = "data_source";

    public static void WriteConfig(string runDirectory, TrainingOptions options, IReadOnlyDictionary<string, object?> extra)
    {
        var document = new Dictionary<string, object?> { ["schema"] = FerJson.Schema };
        foreach (var (key, value) in extra)
        {
            document[key] = value;
        }

        document["options"] = options;
        File.WriteAllText(Path.Combine(runDirectory, ConfigFile), FerJson.Write(document));
    }

    /// <summary>The command that started the run (a resumed run keeps it), or null for a new run.</summary>
    public static string? ReadCommand(string runDirectory)
    {
        var path = Path.Combine(runDirectory, ConfigFile);
        if (!File.Exists(path))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.TryGetProperty("command", out var command) ? command.GetString() : null;
    }

    /// <summary>The run's --data; runs from before blob data sets recorded none and read their folder.</summary>
    public static DataSource ReadDataSource(string runDirectory)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDirectory, ConfigFile)));
        var root = document.RootElement;
        return (root.TryGetProperty(DataSourceKey, out var source) || root.TryGetProperty(LegacyDataSourceKey, out source)) && source.GetString() is { Length: > 0 } value
            ? DataSource.Parse(value)
            : new DataSource(ReadOptions(runDirectory).Data.Root, null);
    }

    public static TrainingOptions ReadOptions(string runDirectory)
    {
        var path = Path.Combine(runDirectory, ConfigFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{runDirectory}' is not a run directory: it has no {ConfigFile}.", path);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("options").Deserialize<TrainingOptions>(FerJson.OptionsFor(document.RootElement))
            ?? throw new InvalidDataException($"'{path}' has no options.");
    }
}
