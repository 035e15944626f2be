using Fer.Api;
using Fer.Functions;
using Microsoft.Extensions.Hosting;

var host = new HostBuilder()
    .ConfigureFunctionsWorkerDefaults()
    .ConfigureServices((context, services) => services.AddFerServing(context.Configuration).AddFerTelemetry())
    .Build();

await host.RunAsync().ConfigureAwait(false);
