using Fer.Inference.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Fer.Functions;

/// <summary>
/// Runs the reconciler on a schedule (app setting <c>FerReconcileSchedule</c>, an NCRONTAB expression; the host
/// resolves it, hence a name without <c>__</c>): what the blob trigger missed is classified, bounded per run.
/// </summary>
public sealed class ReconcileFunction(Reconciler reconciler)
{
    [Function("Reconcile")]
    public Task Run([TimerTrigger("%FerReconcileSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        _ = timer; // the schedule's state; a missed run is simply the next one's work
        return reconciler.RunAsync(cancellationToken);
    }
}
