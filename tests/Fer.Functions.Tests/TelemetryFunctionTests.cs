using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.ApplicationInsights.WorkerService;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fer.Functions.Tests;

/// <summary>The worker's Application Insights wiring (<see cref="Telemetry.AddFerTelemetry"/>, as Program.cs calls it).</summary>
public sealed class TelemetryFunctionTests
{
    // A made-up component on a closed local port: nothing here ever reaches it (the channel below keeps items).
    private static readonly Action<ILogger, string, Exception?> Information = LoggerMessage.Define<string>(LogLevel.Information, new EventId(1), "{Line}");
    private static readonly Action<ILogger, string, Exception?> Warning = LoggerMessage.Define<string>(LogLevel.Warning, new EventId(2), "{Line}");

    private const string FakeConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:9/";

    [Fact]
    public async Task Without_a_connection_string_the_worker_starts_and_telemetry_goes_nowhere()
    {
        // Disposed asynchronously, as the worker's host disposes it: the Functions telemetry module is IAsyncDisposable only.
        await using var provider = Services(new CapturingChannel(), connectionString: null).BuildServiceProvider();

        var configuration = provider.GetRequiredService<TelemetryConfiguration>();
        Assert.True(string.IsNullOrEmpty(configuration.ConnectionString));
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Fer.Inference.Pipeline.Reconciler");
        Information(logger, "A line with no component to go to.", null);
        var client = provider.GetRequiredService<TelemetryClient>();
        client.TrackTrace("nowhere");
        client.Flush();
    }

    [Fact]
    public async Task The_app_s_Information_lines_reach_Application_Insights_and_the_Azure_SDK_s_request_lines_do_not()
    {
        var channel = new CapturingChannel();
        await using (var provider = Services(channel, FakeConnectionString).BuildServiceProvider())
        {
            var loggers = provider.GetRequiredService<ILoggerFactory>();
            Information(loggers.CreateLogger("Fer.Inference.Pipeline.Reconciler"), "Reconciled 1 batch(es).", null);
            Information(loggers.CreateLogger("Azure.Core"), "Request GET https://account.blob.core.windows.net/faces/Jane%20Doe.png", null);
            Warning(loggers.CreateLogger("Azure.Core"), "Error response 503", null);
            provider.GetRequiredService<TelemetryClient>().Flush();
        }

        var traces = channel.Items.OfType<TraceTelemetry>().Select(trace => trace.Message).ToList();
        Assert.Contains("Reconciled 1 batch(es).", traces);
        Assert.Contains("Error response 503", traces);
        Assert.DoesNotContain(traces, message => message.Contains("Jane", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Storage_dependencies_name_the_container_or_table_not_the_blob_or_row()
    {
        var channel = new CapturingChannel();
        await using (var provider = Services(channel, FakeConnectionString).BuildServiceProvider())
        {
            var client = provider.GetRequiredService<TelemetryClient>();
            client.TrackDependency(new DependencyTelemetry("Http", "account.blob.core.windows.net", "GET /faces/family/Jane%20Doe.png", "https://account.blob.core.windows.net/faces/family/Jane%20Doe.png?comp=metadata"));
            client.TrackDependency(new DependencyTelemetry("Azure table", "account.table.core.windows.net", "PUT /emotions(PartitionKey='default',RowKey='Jane%20Doe.png%7C0')", "https://account.table.core.windows.net/emotions(PartitionKey='default',RowKey='Jane%20Doe.png%7C0')"));
            client.Flush();
        }

        // Dependency collection listens process-wide: calls of tests running beside this one (to Azurite) are left out.
        var dependencies = channel.Items.OfType<DependencyTelemetry>().Where(dependency => dependency.Target.StartsWith("account.", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, dependencies.Count);
        // The SDK's own parser of storage calls renames the blob call "GET account" (and adds properties, redacted too).
        Assert.Equal(["GET account", "PUT /emotions"], dependencies.Select(dependency => dependency.Name));
        Assert.Equal("faces", dependencies[0].Properties["Container"]);
        Assert.Equal(["https://account.blob.core.windows.net/faces", "https://account.table.core.windows.net/emotions"], dependencies.Select(dependency => dependency.Data));
        Assert.All(dependencies, dependency => Assert.DoesNotContain("Jane", dependency.Name + dependency.Data + string.Join(" ", dependency.Properties.Values), StringComparison.Ordinal));
        Assert.All(dependencies, dependency => Assert.DoesNotContain("family", dependency.Name + dependency.Data + string.Join(" ", dependency.Properties.Values), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET /faces/family/Jane%20Doe.png", "GET /faces")]
    [InlineData("GET account/faces/family/Jane%20Doe.png", "GET account/faces")]
    [InlineData("GET https://account.blob.core.windows.net/faces/Jane%20Doe.png?comp=tags", "GET https://account.blob.core.windows.net/faces")]
    [InlineData("DELETE /emotions(PartitionKey='default',RowKey='Jane%20Doe.png%7C0')", "DELETE /emotions")]
    [InlineData("BlobBaseClient.Download", "BlobBaseClient.Download")]
    [InlineData("GET account", "GET account")]
    public void Dependency_names_keep_the_account_and_container_only(string name, string redacted) =>
        Assert.Equal(redacted, StorageUrlRedactor.RedactName(name));

    private static ServiceCollection Services(CapturingChannel channel, string? connectionString)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection().Build());
        services.AddLogging();
        services.AddSingleton<ITelemetryChannel>(channel);
        services.AddFerTelemetry();
        services.Configure<ApplicationInsightsServiceOptions>(options => options.ConnectionString = connectionString);
        return services;
    }

    private sealed class CapturingChannel : ITelemetryChannel
    {
        public List<ITelemetry> Items { get; } = [];

        public bool? DeveloperMode { get; set; }

        public string? EndpointAddress { get; set; }

        public void Send(ITelemetry item)
        {
            lock (Items)
            {
                Items.Add(item);
            }
        }

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
