using Fer.Api;
using Fer.Functions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// ASP.NET Core integration: the HTTP triggers take HttpRequest and answer IResult, as fer serve's endpoints do.
var host = new HostBuilder()
    .ConfigureFunctionsWebApplication()
    .ConfigureServices((context, services) => services.AddFerServing(context.Configuration).AddFerTelemetry()
        .Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = null)) // the routes bound their own reads and answer 413 in JSON, as in fer serve
    .Build();

await host.RunAsync().ConfigureAwait(false);
