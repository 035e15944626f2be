namespace Fer.Api;

/// <summary>
/// Told of each image the classify route uploads into a batch. In Azure, Event Grid starts the blob trigger and no
/// listener is registered; <c>fer serve</c> registers one that classifies the blob as that trigger would.
/// </summary>
public interface IUploadListener
{
    ValueTask UploadedAsync(string blobName, CancellationToken cancellationToken);
}
