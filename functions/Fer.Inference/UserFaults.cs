using Azure;

namespace Fer.Inference;

/// <summary>
/// Which failures fer and fer-train report in one line instead of crashing: those a user causes and can fix. A framework
/// exception such as <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/> is not among them: it is
/// a bug, and its stack trace is what fixes it.
/// </summary>
public static class UserFaults
{
    /// <summary>Fer's own errors, and a missing, unreadable or malformed file or folder.</summary>
    public static bool IsUserFault(Exception exception) =>
        exception is FerException or IOException or InvalidDataException or UnauthorizedAccessException;

    /// <summary>Storage that is not reachable or refused the request (Azurite not running, a wrong account, a missing role).</summary>
    public static bool IsStorageFault(Exception exception) =>
        exception is RequestFailedException or HttpRequestException
            or AggregateException { InnerException: RequestFailedException or HttpRequestException };

    /// <summary>What storage said: the first fault's message, not an aggregate's summary of it.</summary>
    public static string StorageMessage(Exception exception) => (exception as AggregateException)?.InnerException?.Message ?? exception.Message;
}
