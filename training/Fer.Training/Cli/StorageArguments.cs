using System.CommandLine;
using Fer.Inference;
using Fer.Inference.Storage;

namespace Fer.Training.Cli;

/// <summary>
/// How fer-train reaches Blob Storage for <c>--data blob:NAME</c>, checkpoints and <c>--publish</c>: <c>--account NAME</c>
/// with Azure.Identity's default chain (a VM's managed identity when AZURE_CLIENT_ID names it), or a connection string.
/// </summary>
internal sealed class StorageArguments
{
    public const string ConnectionStringVariable = "FER_STORAGE_CONNECTION_STRING";

    public Option<string?> Account { get; } = new("--account")
    {
        Description = "Storage account name, reached with Azure.Identity (managed identity on the VM, az login elsewhere).",
    };

    public Option<string?> ConnectionString { get; } = new("--connection-string")
    {
        Description = $"Storage connection string instead of --account (default: {ConnectionStringVariable}); never recorded in the run.",
    };

    /// <summary>The connection the command line names, or null when it names none.</summary>
    public StorageConnection? Resolve(ParseResult parse)
    {
        if (parse.GetValue(Account) is { Length: > 0 } account)
        {
            return StorageConnection.ForAccount(account);
        }

        return (parse.GetValue(ConnectionString) ?? Environment.GetEnvironmentVariable(ConnectionStringVariable)) is { Length: > 0 } connection
            ? new StorageConnection { ConnectionString = connection }
            : null;
    }

    public static StorageConnection Require(StorageConnection? connection, string why) =>
        connection ?? throw new FerException($"{why} needs storage: pass --account NAME (managed identity or az login) or --connection-string (or set {ConnectionStringVariable}).");
}
