using Fer.Inference.Pipeline;
using Microsoft.Extensions.Hosting;

namespace Fer.Api;

/// <summary>
/// Loads the promoted model when the host starts, so that health (which only reads state) reports it before the
/// first upload arrives. A missing or broken model is logged by the provider; the host starts anyway.
/// </summary>
public sealed class ModelWarmup(ModelProvider models) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var loaded = await models.AcquireAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (ModelUnavailableException)
        {
            // Health says no-model; the next invocation checks the pointer again.
        }
    }
}
