using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Fer.Inference.Storage;

/// <summary>
/// How to reach the storage account: a connection string (Azurite locally), or service URIs with a
/// Microsoft Entra credential (managed identity in Azure, the developer's login for the CLI).
/// </summary>
public sealed record StorageConnection
{
    /// <summary>Azurite's well-known development account on its default ports (not a secret).</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public string? ConnectionString { get; init; }

    public Uri? BlobServiceUri { get; init; }

    public Uri? TableServiceUri { get; init; }

    /// <summary>Client ID of a user-assigned managed identity; null uses the default credential chain.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>Reads the Functions-style connection "NAME": either NAME (a connection string) or NAME__blobServiceUri, NAME__tableServiceUri, NAME__clientId.</summary>
    public static StorageConnection FromSettings(Func<string, string?> setting, string name)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var connectionString = setting(name);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new StorageConnection { ConnectionString = connectionString };
        }

        var blob = setting($"{name}:blobServiceUri") ?? setting($"{name}__blobServiceUri");
        var table = setting($"{name}:tableServiceUri") ?? setting($"{name}__tableServiceUri");
        if (blob is null || table is null)
        {
            throw new InvalidOperationException(
                $"Storage connection '{name}' is not configured: set '{name}' to a connection string (locally: {DevelopmentStorage}), " +
                $"or '{name}__blobServiceUri' and '{name}__tableServiceUri' for identity-based access.");
        }

        return new StorageConnection
        {
            BlobServiceUri = new Uri(blob),
            TableServiceUri = new Uri(table),
            ManagedIdentityClientId = setting($"{name}:clientId") ?? setting($"{name}__clientId"),
        };
    }

    /// <summary>An account by name, reached with the signed-in identity (the CLI's --account option).</summary>
    public static StorageConnection ForAccount(string accountName) => new()
    {
        BlobServiceUri = new Uri($"https://{accountName}.blob.core.windows.net"),
        TableServiceUri = new Uri($"https://{accountName}.table.core.windows.net"),
    };

    public BlobServiceClient CreateBlobServiceClient() =>
        ConnectionString is not null ? new BlobServiceClient(ConnectionString) : new BlobServiceClient(BlobServiceUri, Credential());

    public TableServiceClient CreateTableServiceClient() =>
        ConnectionString is not null ? new TableServiceClient(ConnectionString) : new TableServiceClient(TableServiceUri, Credential());

    private TokenCredential Credential() =>
        ManagedIdentityClientId is not null
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ManagedIdentityClientId))
            : new DefaultAzureCredential();
}
