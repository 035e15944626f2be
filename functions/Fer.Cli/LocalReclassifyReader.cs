using Azure;
using Fer.Inference.Pipeline;
using Fer.Inference.Reclassification;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fer.Cli;

/// <summary>
/// fer serve's stand-in for the function app's queue trigger on the reclassify queue: the same worker, one message
/// at a time, polled from the same queue in the local storage. A message that fails is left for its next delivery and
/// dropped after the trigger's five tries.
/// </summary>
internal sealed partial class LocalReclassifyReader(ReclassifyMessages queue, ReclassifyWorker worker, ILogger<LocalReclassifyReader> logger) : BackgroundService
{
    private const int MaxDequeueCount = 5;

    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await queue.Client.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            var message = (await queue.Client.ReceiveMessageAsync(cancellationToken: stoppingToken).ConfigureAwait(false)).Value;
            if (message is null)
            {
                await Task.Delay(IdlePoll, stoppingToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await worker.HandleAsync(message.MessageText, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ModelUnavailableException or RequestFailedException or InvalidDataException or System.Text.Json.JsonException)
            {
                LogFailed(logger, e, message.DequeueCount);
                if (message.DequeueCount < MaxDequeueCount)
                {
                    continue;
                }
            }

            await queue.Client.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "A re-classification chunk failed (try {DequeueCount} of 5).")]
    private static partial void LogFailed(ILogger logger, Exception exception, long dequeueCount);
}
