using System.Runtime.ExceptionServices;

namespace Fer.Inference.Pipeline;

/// <summary>Runs stages that feed one another: the first to fail stops the others, and its error, not theirs, is thrown.</summary>
internal static class PipelineStages
{
    public static async Task RunAsync(CancellationToken cancellationToken, params Func<CancellationToken, Task>[] stages)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = stages.Select(async stage =>
        {
            try
            {
                await stage(stop.Token).ConfigureAwait(false);
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }).ToList();

        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A stage was stopped because another failed: throw the failure itself.
            var cause = running.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
            {
                ExceptionDispatchInfo.Throw(cause);
            }

            throw;
        }
    }
}
