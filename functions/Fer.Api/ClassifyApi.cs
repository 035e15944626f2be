using System.Diagnostics;
using System.Net;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Fer.Inference.Preprocessing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fer.Api;

/// <summary>
/// <c>POST /api/classify</c>: the faces of one image in the body, classified with the serving model and answered at
/// once. Nothing is stored unless <c>?batch=</c> asks for the image to be uploaded into that batch as well, where it
/// takes the path of any upload (the blob trigger writes its rows). Bad input is refused before anything is written,
/// with the blob path's ErrorCode. The body's bytes are admitted against the process's <see cref="RequestBudget"/> first.
/// </summary>
public sealed partial class ClassifyApi(
    ModelProvider models,
    [FromKeyedServices(InferenceServiceRegistration.FacesContainerKey)] BlobContainerClient faces,
    IOptions<FerOptions> options,
    IEnumerable<IUploadListener> listeners,
    RequestBudget budget,
    ILogger<ClassifyApi> logger,
    TimeProvider? time = null)
{
    private readonly FerOptions settings = (options ?? throw new ArgumentNullException(nameof(options))).Value;
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    /// <summary>The image is the body (or a form's first file); <c>?batch=NAME</c> uploads it into that batch as well.</summary>
    public async Task<IResult> ClassifyAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        if (!HttpMethods.IsPost(request.Method))
        {
            return ApiResults.Error(HttpStatusCode.MethodNotAllowed, ApiErrorCodes.MethodNotAllowed, $"Use POST with the image as the body, not {request.Method}.");
        }

        var batches = request.Query["batch"];
        if (batches.Count > 1)
        {
            // Read as one value, ?batch=a&batch=b would upload into batch "a,b".
            return ApiResults.Error(HttpStatusCode.BadRequest, ApiErrorCodes.BatchRepeated, "Give batch once: the query names more than one batch.");
        }

        var batch = (string?)batches;
        if (batch is not null && BatchName.Problem(batch) is { } problem)
        {
            return ApiResults.Error(HttpStatusCode.BadRequest, ApiErrorCodes.BatchInvalid, $"batch '{batch}': {problem}.");
        }

        if (request.ContentLength > settings.MaxImageBytes)
        {
            return TooLarge(request.ContentLength.Value);
        }

        // Admitted by its declared length, or grown as it is read when it has none; held until the answer is made.
        using var reservation = budget.TryReserve(request.ContentLength ?? 0);
        if (reservation is null)
        {
            return RequestBudget.Busy(request.HttpContext.Response);
        }

        var image = await BoundedBody.ReadAsync(request.Body, request.ContentLength, settings.MaxImageBytes, reservation, cancellationToken).ConfigureAwait(false);
        if (image is null)
        {
            return reservation.Refused ? RequestBudget.Busy(request.HttpContext.Response) : TooLarge(null);
        }

        if (image.Length == 0)
        {
            return ApiResults.Error(HttpStatusCode.BadRequest, ImageErrorCodes.Empty, "The request has no body: send the image as the body.");
        }

        if (FormImage.IsForm(request.ContentType))
        {
            try
            {
                image = await FormImage.FirstFileAsync(request.ContentType!, image, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                return ApiResults.Error(HttpStatusCode.BadRequest, ApiErrorCodes.FormInvalid, e.Message);
            }
        }

        ModelLease lease;
        try
        {
            lease = await models.AcquireAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ModelUnavailableException e)
        {
            return ApiResults.Error(HttpStatusCode.ServiceUnavailable, ApiErrorCodes.ModelUnavailable, e.Message);
        }

        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<ClassificationResult> results;
        using (lease)
        {
            results = await lease.Model.ClassifyPhotoAsync(image).ConfigureAwait(false);
        }

        var milliseconds = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
        foreach (var failed in results.Where(r => r.Status == ClassificationStatus.Failed))
        {
            LogImageFailed(logger, failed.ErrorCode, failed.Error); // the answer says only the code's fixed sentence (FaceItem)
        }

        if (results is [{ Status: ClassificationStatus.Rejected, ErrorCode: { } code } rejected] && code != ImageErrorCodes.NoFace)
        {
            return ApiResults.Error(ApiErrorCodes.StatusOf(code), code, rejected.Error ?? code);
        }

        var uploaded = batch is not null ? await UploadAsync(batch, image, cancellationToken).ConfigureAwait(false) : null;
        return ApiResults.Json(new ClassifyAnswer([.. results.Select(FaceItem.From)], uploaded, milliseconds));
    }

    private async Task<UploadedBlob> UploadAsync(string batch, byte[] image, CancellationToken cancellationToken)
    {
        var format = ImageFormat.Sniff(image);
        var name = ImageUpload.BlobName(batch, format, clock.GetUtcNow());
        await faces.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(image), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = ImageUpload.ContentType(format) },
        }, cancellationToken).ConfigureAwait(false);
        LogUploaded(logger, faces.Name, new BlobNameHash(name));
        foreach (var listener in listeners)
        {
            await listener.UploadedAsync(name, cancellationToken).ConfigureAwait(false);
        }

        return new UploadedBlob(faces.Name, name, batch);
    }

    private JsonHttpResult<ApiError> TooLarge(long? length) => ApiResults.Error(HttpStatusCode.RequestEntityTooLarge, ImageErrorCodes.TooLarge,
        $"The body has {(length is { } n ? $"{n:N0} bytes" : "more bytes than allowed")}; the limit is {settings.MaxImageBytes:N0} bytes.");

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Uploaded a classified image to {Container}, blob {BlobHash}.")]
    private static partial void LogUploaded(ILogger logger, string container, BlobNameHash blobHash);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "A posted image failed with {ErrorCode}: {Detail}")]
    private static partial void LogImageFailed(ILogger logger, string? errorCode, string? detail);
}

/// <summary>The classify route's answer: an item per face (or one about an image without a face), and where the image was uploaded.</summary>
public sealed record ClassifyAnswer(IReadOnlyList<FaceItem> Items, UploadedBlob? Uploaded, double Ms);

/// <summary>Where <c>?batch=</c> put the image: its rows appear under that batch once the blob trigger has run.</summary>
public sealed record UploadedBlob(string Container, string BlobName, string Batch);

