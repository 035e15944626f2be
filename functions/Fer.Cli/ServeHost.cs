using System.Net;
using Fer.Api;
using Fer.Inference.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fer.Cli;

/// <summary>
/// The function app's HTTP API and blob-trigger pipeline on Kestrel, for fer serve: the same service registration
/// (<see cref="ServiceRegistration.AddFerServing"/>), settings from <c>Fer__*</c> environment variables as in the app.
/// </summary>
internal static class ServeHost
{
    /// <param name="allowedHosts">Host names accepted besides the loopback ones (<see cref="LocalRequestGuard"/>).</param>
    public static WebApplication Build(StorageConnection connection, int port, IEnumerable<string>? allowedHosts = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.Limits.MaxRequestBodySize = null; // the classify route bounds its own read and answers 413 in JSON
        });
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddFerServing(builder.Configuration, connection);
        builder.Services.AddSingleton<LocalBlobTrigger>();
        builder.Services.AddSingleton<IUploadListener>(sp => sp.GetRequiredService<LocalBlobTrigger>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalBlobTrigger>());
        builder.Services.AddHostedService<LocalReclassifyReader>();

        var app = builder.Build();
        app.UseStatusCodePages(context => ApiEndpoints.WriteStatusCodeError(context.HttpContext));
        app.Use(new LocalRequestGuard(allowedHosts ?? []).InvokeAsync);
        app.MapFerApi();
        return app;
    }
}
