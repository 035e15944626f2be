using Fer.Inference.Reclassification;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fer.Cli;

/// <summary>
/// fer serve's stand-in for the function app's queue trigger on the reclassify queue: the same worker, one message
/// at a time, polled from the same queue in the local storage. A message that fails is left for its next delivery and
/// dropped after the trigger's five tries (the worker then counts the chunk into its run as failed). Storage that goes
/// away stops nothing: the loop logs a warning, waits longer after each failure (up to <see cref="MaxBackoff"/>) and
/// carries on, creating the queue again (an emulator restarted in memory comes back empty).
/// </summary>
internal sealed partial class LocalReclassifyReader(ReclassifyMessages queue, ReclassifyWorker worker, ILogger<LocalReclassifyReader> logger) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    /// <summary>The wait after the first failure in a row; it doubles with each further one.</summary>
    internal TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    internal TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var queueReady = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool received;
            try
            {
                if (!queueReady)
                {
                    await queue.Client.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                    queueReady = true;
                }

                received = await ReceiveOneAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The client's own retries are spent (a RequestFailedException, or the transport's AggregateException).
                failures++;
                queueReady = false;
                var wait = Backoff(failures);
                LogStorageFailed(logger, e, failures, wait.TotalSeconds);
                await Task.Delay(wait, stoppingToken).ConfigureAwait(false);
                continue;
            }

            if (failures > 0)
            {
                LogStorageBack(logger, failures);
                failures = 0;
            }

            if (!received)
            {
                await Task.Delay(IdlePoll, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Receives and handles one message; false when the queue was empty. Only storage faults around the message escape.</summary>
    private async Task<bool> ReceiveOneAsync(CancellationToken stoppingToken)
    {
        var message = (await queue.Client.ReceiveMessageAsync(cancellationToken: stoppingToken).ConfigureAwait(false)).Value;
        if (message is null)
        {
            return false;
        }

        try
        {
            await worker.HandleAsync(message.MessageText, message.DequeueCount, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Whatever the chunk threw is that message's failure, as for the function app's trigger.
            LogFailed(logger, e, message.DequeueCount);
            if (message.DequeueCount < ReclassifyWorker.MaxDequeueCount)
            {
                return true; // visible again after the visibility timeout
            }
        }

        await queue.Client.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken).ConfigureAwait(false);
        return true;
    }

    private TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks * (1L << Math.Min(failures - 1, 20))));

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "A re-classification chunk failed (try {DequeueCount} of 5).")]
    private static partial void LogFailed(ILogger logger, Exception exception, long dequeueCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The reclassify queue cannot be read ({Failures} time(s) in a row); trying again in {Seconds:F0} s.")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception, int failures, double seconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "The reclassify queue can be read again after {Failures} failure(s).")]
    private static partial void LogStorageBack(ILogger logger, int failures);
}
