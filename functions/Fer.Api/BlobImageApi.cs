using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Fer.Inference;
using Fer.Inference.Preprocessing;
using Fer.Inference.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fer.Api;

/// <summary>
/// <c>POST /api/batches/{batch}/image</c> with <c>{"blob": "NAME"}</c>: the image a row was made from (its <c>blobName</c>),
/// so that the page can cut face thumbnails from it. A POST because names are people's file names: in the body they stay
/// out of URLs, which hosts write to request logs and telemetry. Only blobs of that batch in the faces container, never
/// a name with a <c>.</c>/<c>..</c> or empty segment or a backslash (which a URL would resolve elsewhere), only up to the
/// classify route's byte limit, and only images: anything else stored there is refused rather than served.
/// </summary>
public sealed class BlobImageApi([FromKeyedServices(InferenceServiceRegistration.FacesContainerKey)] BlobContainerClient faces, IOptions<FerOptions> options, RequestBudget budget)
{
    private const int MaxBlobNameLength = 1024; // Azure's limit

    private readonly FerOptions settings = (options ?? throw new ArgumentNullException(nameof(options))).Value;

    public async Task<IResult> ImageAsync(HttpRequest request, string batch)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(batch);
        var cancellationToken = request.HttpContext.RequestAborted;
        if (!HttpMethods.IsPost(request.Method))
        {
            return ApiResults.Error(HttpStatusCode.MethodNotAllowed, ApiErrorCodes.MethodNotAllowed,
                $"Use POST with {{\"blob\": \"NAME\"}} as the body (NAME a row's blobName), not {request.Method}: the name stays out of the URL.");
        }

        var (blob, bodyError) = await BlobImageBody.ReadAsync(request.Body, request.ContentLength, cancellationToken).ConfigureAwait(false);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (string.IsNullOrEmpty(blob) || !BelongsTo(blob, batch))
        {
            return ApiResults.Error(HttpStatusCode.BadRequest, ApiErrorCodes.BlobInvalid,
                $"blob '{blob}' is not an image of batch '{batch}': give the blobName of one of its rows (GET /api/batches/{batch}/results).");
        }

        BodyReservation? reservation = null;
        try
        {
            var client = faces.GetBlobClient(blob);
            var properties = await client.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (properties.Value.ContentLength > settings.MaxImageBytes)
            {
                return ApiResults.Error(HttpStatusCode.RequestEntityTooLarge, ImageErrorCodes.TooLarge,
                    $"{blob} has {properties.Value.ContentLength:N0} bytes; images over {settings.MaxImageBytes:N0} are not served.");
            }

            // The image is held in memory until the answer is made: it counts against the request budget as a body would.
            reservation = budget.TryReserve(properties.Value.ContentLength);
            if (reservation is null)
            {
                return RequestBudget.Busy(request.HttpContext.Response);
            }

            // The ETag condition keeps a blob replaced since its length was read from being read at another length.
            var content = (await client.DownloadContentAsync(new Azure.Storage.Blobs.Models.BlobDownloadOptions
            {
                Conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfMatch = properties.Value.ETag },
            }, cancellationToken).ConfigureAwait(false)).Value.Content;
            var bytes = content.ToArray();
            return ImageFormat.Sniff(bytes) is { } format
                ? TypedResults.Bytes(bytes, format.ContentType)
                : ApiResults.Error(HttpStatusCode.UnsupportedMediaType, ImageErrorCodes.NotAnImage, $"{blob} is not a JPEG, PNG, GIF, WebP or BMP image.");
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return ApiResults.Error(HttpStatusCode.NotFound, ApiErrorCodes.BlobNotFound, $"There is no blob {blob} in {settings.FacesContainer} (any more).");
        }
        finally
        {
            reservation?.Dispose();
        }
    }

    private bool BelongsTo(string blob, string batch) =>
        blob.Length <= MaxBlobNameLength
        && !blob.Any(char.IsControl)
        && !blob.Contains('\\', StringComparison.Ordinal)
        && blob.Split('/').All(segment => segment is not ("" or "." or ".."))
        && FaceBlobName.Parse(blob, settings.DefaultBatch).Batch == batch;
}
