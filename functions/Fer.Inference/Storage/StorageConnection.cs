using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

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

    /// <summary>The queue service (the reclassify queue); optional in settings, where it defaults to the blob service's account.</summary>
    public Uri? QueueServiceUri { get; init; }

    /// <summary>Client ID of a user-assigned managed identity; null uses the default credential chain.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>Reads the Functions-style connection "NAME": either NAME (a connection string) or NAME__blobServiceUri, NAME__tableServiceUri, NAME__queueServiceUri, NAME__clientId.</summary>
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
            throw new FerException(
                $"Storage connection '{name}' is not configured: set '{name}' to a connection string (locally: {DevelopmentStorage}), " +
                $"or '{name}__blobServiceUri' and '{name}__tableServiceUri' for identity-based access.");
        }

        var queue = setting($"{name}:queueServiceUri") ?? setting($"{name}__queueServiceUri");
        return new StorageConnection
        {
            BlobServiceUri = new Uri(blob),
            TableServiceUri = new Uri(table),
            QueueServiceUri = queue is null ? null : new Uri(queue),
            ManagedIdentityClientId = setting($"{name}:clientId") ?? setting($"{name}__clientId"),
        };
    }

    /// <summary>An account by name, reached with the signed-in identity (the CLI's --account option).</summary>
    public static StorageConnection ForAccount(string accountName) => new()
    {
        BlobServiceUri = new Uri($"https://{accountName}.blob.core.windows.net"),
        TableServiceUri = new Uri($"https://{accountName}.table.core.windows.net"),
        QueueServiceUri = new Uri($"https://{accountName}.queue.core.windows.net"),
    };

    public BlobServiceClient CreateBlobServiceClient() =>
        ConnectionString is not null ? new BlobServiceClient(ConnectionString) : new BlobServiceClient(BlobServiceUri, Credential());

    public TableServiceClient CreateTableServiceClient() =>
        ConnectionString is not null ? new TableServiceClient(ConnectionString) : new TableServiceClient(TableServiceUri, Credential());

    /// <summary>Messages are base64, as the Functions queue trigger expects by default.</summary>
    public QueueServiceClient CreateQueueServiceClient()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (ConnectionString is not null)
        {
            return new QueueServiceClient(ConnectionString, options);
        }

        var uri = QueueServiceUri ?? new Uri(BlobServiceUri!.AbsoluteUri.Replace(".blob.", ".queue.", StringComparison.Ordinal));
        return new QueueServiceClient(uri, Credential(), options);
    }

    private TokenCredential Credential() =>
        ManagedIdentityClientId is not null
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ManagedIdentityClientId))
            : new DefaultAzureCredential();
}
