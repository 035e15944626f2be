using Azure.Storage.Blobs;
using Fer.Api;
using Fer.Inference.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Fer.Functions;

/// <summary>
/// Classifies each face uploaded to the faces container (Event Grid source: the one Flex Consumption
/// supports). Bad images end as rejected rows; a missing model or a storage fault throws so the
/// platform retries.
/// </summary>
public sealed class ClassifyFaceFunction(ClassificationPipeline pipeline)
{
    [Function("ClassifyFace")]
    public async Task Run(
        [BlobTrigger("faces/{name}", Source = BlobTriggerSource.EventGrid, Connection = ServiceRegistration.StorageConnectionName)] BlobClient blob,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        _ = name; // the blob's path inside the container; the client carries it too
        await pipeline.ProcessAsync(blob, cancellationToken).ConfigureAwait(false);
    }
}
