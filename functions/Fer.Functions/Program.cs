using Fer.Api;
using Microsoft.Extensions.Hosting;

var host = new HostBuilder()
    .ConfigureFunctionsWorkerDefaults()
    .ConfigureServices((context, services) => services.AddFerServing(context.Configuration))
    .Build();

await host.RunAsync().ConfigureAwait(false);
