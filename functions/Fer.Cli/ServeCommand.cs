using System.CommandLine;
using Fer.Inference;
using Fer.Inference.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fer.Cli;

/// <summary>
/// <c>fer serve</c>: the HTTP API on this machine, for users without Azure Functions Core Tools. Starts Azurite when no
/// storage answers (and then publishes the demo model into it, since it starts empty).
/// </summary>
internal static class ServeCommand
{
    public const int DefaultPort = 7071; // the port func start uses

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = $"The loopback port to listen on (default {DefaultPort}).", DefaultValueFactory = _ => DefaultPort };
        var allowHosts = new Option<string[]>("--allow-host")
        {
            Description = "A host name to answer besides localhost, 127.0.0.1 and [::1] (a proxy's or a container's name); repeatable. Requests naming any other host are refused (DNS rebinding).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("serve", "Serve the web page (/api/ui) and the HTTP API (classify, results, summary, reclassify, image, health, openapi.json) on localhost; starts Azurite if needed.") { port, allowHosts };
        command.SetAction(async (parse, ct) =>
        {
            var connection = StorageOptions.Resolve(parse);
            using var azurite = connection.ConnectionString == StorageConnection.DevelopmentStorage && !LocalAzurite.IsListening() ? LocalAzurite.Start() : null;
            await using var app = ServeHost.Build(connection, parse.GetValue(port), parse.GetValue(allowHosts));
            await app.Services.EnsureStorageCreatedAsync(ct).ConfigureAwait(false); // Azurite starts empty
            var models = app.Services.GetRequiredService<ModelStore>();
            if (azurite is not null)
            {
                var demo = RepositoryPaths.Find(RepositoryPaths.DemoModel) ?? throw new CliException($"The demo model ({RepositoryPaths.DemoModel}) was not found; run fer from the repository.");
                var manifest = await models.PublishAsync(demo, promote: true, ct).ConfigureAwait(false);
                Console.WriteLine($"Started Azurite (in memory) on ports 10000-10002 and promoted the demo model {manifest.Version} in it.");
            }
            else if (await models.GetPointerAsync(ct).ConfigureAwait(false) is null)
            {
                Console.Error.WriteLine("fer: warning: no model is promoted in this storage; classify answers 503 until 'fer model publish DIR --promote'.");
            }

            await app.StartAsync(ct).ConfigureAwait(false);
            var root = $"http://127.0.0.1:{parse.GetValue(port)}/api";
            Console.WriteLine($"Serving the web page at {root}/ui, and {root}/classify (POST an image), {root}/batches/BATCH/results, /summary, /reclassify, /image, {root}/health and {root}/openapi.json. Ctrl+C stops.");
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
