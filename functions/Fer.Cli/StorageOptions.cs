using System.CommandLine;
using Fer.Inference;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Microsoft.Extensions.Logging;

namespace Fer.Cli;

/// <summary>
/// Where fer finds storage: --connection-string (or FER_STORAGE_CONNECTION_STRING), --account NAME
/// with your Azure login, or by default Azurite on its standard ports.
/// </summary>
internal static class StorageOptions
{
    public static readonly Option<string?> ConnectionString = new("--connection-string")
    {
        Description = "Storage connection string (default: FER_STORAGE_CONNECTION_STRING, else Azurite on its default ports).",
        Recursive = true,
    };

    public static readonly Option<string?> Account = new("--account")
    {
        Description = "Storage account name, reached with your Azure identity (az login) instead of a connection string.",
        Recursive = true,
    };

    public static StorageConnection Resolve(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.GetValue(Account) is { Length: > 0 } account)
        {
            return StorageConnection.ForAccount(account);
        }

        var connection = parse.GetValue(ConnectionString)
            ?? Environment.GetEnvironmentVariable("FER_STORAGE_CONNECTION_STRING")
            ?? StorageConnection.DevelopmentStorage;
        return new StorageConnection { ConnectionString = connection };
    }
}

/// <summary>The CLI's console logging, shared by every command of the process.</summary>
internal static class CliLogging
{
    public static ILoggerFactory Factory { get; } = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));

    /// <param name="faceFinding">How faces are found (<c>--faces</c>); null follows the model's manifest.</param>
    public static ServingComponents Connect(StorageConnection connection, string? faceFinding = null) =>
        new(connection, new FerOptions { FaceFinding = faceFinding }, Factory);
}
