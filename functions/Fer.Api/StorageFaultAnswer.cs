using System.Globalization;
using System.Net;
using Fer.Inference;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fer.Api;

/// <summary>The answer of any route whose storage did not answer or refused: 503 <c>storage-unavailable</c>, the fault in the log.</summary>
public static partial class StorageFaultAnswer
{
    public const int RetryAfterSeconds = 5;

    public static IResult Answer(HttpRequest request, string route, Exception fault)
    {
        ArgumentNullException.ThrowIfNull(request);
        var logger = request.HttpContext.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(StorageFaultAnswer).FullName!);
        if (logger is not null)
        {
            LogFault(logger, fault, route, UserFaults.StorageMessage(fault));
        }

        request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return ApiResults.Error(HttpStatusCode.ServiceUnavailable, ApiErrorCodes.StorageUnavailable,
            $"Storage did not answer or refused the request; try again in {RetryAfterSeconds} seconds. The server's log says why.");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Route {Route} answered 503 storage-unavailable: {StorageMessage}")]
    private static partial void LogFault(ILogger logger, Exception fault, string route, string storageMessage);
}
