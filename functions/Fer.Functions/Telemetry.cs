using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.ApplicationInsights;

namespace Fer.Functions;

/// <summary>
/// Application Insights in the worker, as the isolated-worker templates wire it: the worker sends its own
/// logs, dependencies and exceptions to the component named by <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>,
/// authenticating with Entra ID when <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> is
/// <c>Authorization=AAD;ClientId=...</c> (the component has local auth disabled). With no connection string
/// (local runs, tests) nothing is sent: telemetry without a component is dropped.
/// </summary>
internal static class Telemetry
{
    public static IServiceCollection AddFerTelemetry(this IServiceCollection services)
    {
        services.AddApplicationInsightsTelemetryWorkerService();
        services.ConfigureFunctionsApplicationInsights();
        services.AddSingleton<ITelemetryInitializer, StorageUrlRedactor>();
        services.Configure<LoggerFilterOptions>(options =>
        {
            // The SDK adds a rule that lets only Warning and above through to Application Insights. The app's
            // Information lines are the record of what it did (which model version is served, what each
            // reconciler run found and deleted, a blob gone before it was classified) and carry blob-name
            // hashes, never names: they go to Application Insights too, as host.json's "Fer": "Information" says.
            var sdkDefault = options.Rules.FirstOrDefault(rule => rule.ProviderName == typeof(ApplicationInsightsLoggerProvider).FullName && rule.CategoryName is null);
            if (sdkDefault is not null)
            {
                options.Rules.Remove(sdkDefault);
            }

            // The Azure SDK's request lines (forwarded to ILogger by the storage extensions) name the blob's URL,
            // and so the blob's name: only their warnings and errors, which do not, go to Application Insights.
            options.AddFilter<ApplicationInsightsLoggerProvider>(AzureSdkCategoryPrefix, LogLevel.Warning);
        });
        return services;
    }

    /// <summary>Categories of the Azure SDK's event sources as forwarded to ILogger (Azure.Core, Azure.Identity, ...).</summary>
    internal const string AzureSdkCategoryPrefix = "Azure.";
}

/// <summary>
/// Dependency telemetry of storage calls names the blob (<c>GET /faces/NAME</c>, <c>GET account/faces/NAME</c>, its URL)
/// or the row (<c>/emotions(PartitionKey=...,RowKey=...)</c>): this keeps the account and the container, queue or
/// table only.
/// </summary>
internal sealed class StorageUrlRedactor : ITelemetryInitializer
{
    public void Initialize(ITelemetry telemetry)
    {
        if (telemetry is DependencyTelemetry dependency)
        {
            Redact(dependency);
        }
    }

    internal static void Redact(DependencyTelemetry dependency)
    {
        dependency.Data = RedactUrl(dependency.Data);
        dependency.Name = RedactName(dependency.Name);
        foreach (var key in dependency.Properties.Keys.ToList())
        {
            // The SDK's parser of storage calls adds the blob's name ("Blob") and its container with the name's
            // folders ("Container": "faces/family").
            if (key == "Blob")
            {
                dependency.Properties.Remove(key);
            }
            else if (key == "Container")
            {
                dependency.Properties[key] = Segments(dependency.Properties[key], 1);
            }
            else
            {
                dependency.Properties[key] = RedactUrl(dependency.Properties[key]);
            }
        }
    }

    /// <summary>An absolute http(s) URL becomes scheme, host and the path's first segment; anything else stays.</summary>
    internal static string? RedactUrl(string? value) =>
        IsHttpUrl(value, out var uri) ? uri.GetLeftPart(UriPartial.Authority) + "/" + Segments(uri.AbsolutePath, 1) : value;

    // Only http(s): on Linux "/faces/x" parses as an absolute file URI.
    private static bool IsHttpUrl(string? value, out Uri uri) =>
        Uri.TryCreate(value, UriKind.Absolute, out uri!) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>
    /// "VERB /path..." becomes "VERB /first-segment", "VERB account/path..." "VERB account/first-segment", "VERB URL"
    /// "VERB" and the redacted URL; a name with no path stays.
    /// </summary>
    internal static string? RedactName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return name;
        }

        var space = name.IndexOf(' ', StringComparison.Ordinal);
        var (verb, rest) = space < 0 ? (string.Empty, name) : (name[..(space + 1)], name[(space + 1)..]);
        if (IsHttpUrl(rest, out _))
        {
            return verb + RedactUrl(rest);
        }

        return rest.StartsWith('/') ? verb + "/" + Segments(rest, 1) : verb + Segments(rest, 2);
    }

    /// <summary>The first <paramref name="count"/> segments of a path, each cut at '(' or '?' (a row key or query).</summary>
    private static string Segments(string path, int count)
    {
        var segments = path.TrimStart('/').Split('/');
        var kept = segments.Take(count).TakeWhile(segment => segment.Length > 0).Select(segment => segment.Split('(', '?')[0]).ToList();
        var cut = kept.FindIndex(segment => segment.Length == 0);
        return string.Join('/', cut < 0 ? kept : kept.Take(cut));
    }
}
