using System.Threading.Channels;
using Azure.Storage.Blobs;
using Fer.Api;
using Fer.Inference;
using Fer.Inference.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fer.Cli;

/// <summary>
/// fer serve's stand-in for the blob trigger, which Event Grid starts in Azure: each image the classify route uploads
/// into a batch goes through the same pipeline, one at a time. A failure of any kind (no model, storage gone away) is
/// logged, not retried, and the loop goes on to the next upload; <c>fer process</c> redoes it.
/// </summary>
internal sealed partial class LocalBlobTrigger(ClassificationPipeline pipeline, [FromKeyedServices(InferenceServiceRegistration.FacesContainerKey)] BlobContainerClient faces, ILogger<LocalBlobTrigger> logger)
    : BackgroundService, IUploadListener
{
    private readonly Channel<string> uploads = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public ValueTask UploadedAsync(string blobName, CancellationToken cancellationToken) => uploads.Writer.WriteAsync(blobName, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var name in uploads.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await pipeline.ProcessAsync(faces.GetBlobClient(name), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Blob names may name people: the log gets the hash.
                LogFailed(logger, e, new BlobNameHash(name));
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Could not classify the uploaded blob {BlobHash}; 'fer process --batch BATCH' classifies it later.")]
    private static partial void LogFailed(ILogger logger, Exception exception, BlobNameHash blobHash);
}
