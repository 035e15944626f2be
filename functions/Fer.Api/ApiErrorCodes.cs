using System.Net;
using Fer.Inference.Pipeline;
using Fer.Inference.Preprocessing;

namespace Fer.Api;

/// <summary>The <c>code</c> of every error answer that has no ErrorCode of the blob path (those reuse <see cref="ImageErrorCodes"/>); docs/http-api.md says what each means.</summary>
public static class ApiErrorCodes
{
    public const string MethodNotAllowed = "method-not-allowed";
    public const string BatchInvalid = "batch-invalid";
    public const string NotFound = "not-found";
    public const string BlobInvalid = "blob-invalid";
    public const string BlobNotFound = "blob-not-found";
    public const string FormInvalid = "form-invalid";
    public const string BodyInvalid = "body-invalid";
    public const string BodyTooLarge = "body-too-large";
    public const string EmotionUnknown = "emotion-unknown";
    public const string StatusUnknown = "status-unknown";
    public const string PageSizeInvalid = "page-size-invalid";
    public const string ContinuationTokenInvalid = "continuation-token-invalid";
    public const string ContinuationTokenInQuery = "continuation-token-in-query";

    /// <summary>The query names <c>batch</c> more than once (hosts would join the values with commas).</summary>
    public const string BatchRepeated = "batch-repeated";

    /// <summary>503 with Retry-After: the request's bytes do not fit the process's <see cref="RequestBudget"/> now.</summary>
    public const string ServerBusy = "server-busy";

    /// <summary>fer serve only: the Host header is not a loopback name or one allowed with --allow-host (DNS rebinding).</summary>
    public const string HostNotAllowed = "host-not-allowed";

    /// <summary>fer serve only: a POST, PUT or DELETE from another site's page (Origin, Sec-Fetch-Site).</summary>
    public const string CrossSiteRequest = "cross-site-request";

    /// <summary>409: a re-classification run of the batch is still going.</summary>
    public const string ReclassifyRunning = "reclassify-running";

    /// <summary>404: the batch was never re-classified, so it has no run to report.</summary>
    public const string ReclassifyNotFound = "reclassify-not-found";

    /// <summary>503 with Retry-After, any route: storage did not answer or refused (<see cref="StorageFaultAnswer"/>).</summary>
    public const string StorageUnavailable = "storage-unavailable";

    /// <summary>Also the ErrorCode of a failed row (<see cref="ModelUnavailableException"/>).</summary>
    public const string ModelUnavailable = "model-unavailable";

    /// <summary>The HTTP status of an image the blob path would reject with <paramref name="imageErrorCode"/>.</summary>
    public static HttpStatusCode StatusOf(string? imageErrorCode) => imageErrorCode switch
    {
        ImageErrorCodes.TooLarge or ImageErrorCodes.TooManyPixels => HttpStatusCode.RequestEntityTooLarge,
        ImageErrorCodes.NotAnImage => HttpStatusCode.UnsupportedMediaType,
        _ => HttpStatusCode.BadRequest,
    };
}
