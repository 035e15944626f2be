using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Fer.Api;

/// <summary>The image route's body, <c>{"blob": "NAME"}</c>: the blob name, or the error answer for a body that is not that.</summary>
internal static class BlobImageBody
{
    /// <summary>Room for a name of Azure's 1,024 characters even with every one \u-escaped (6 bytes): a longer body is not a blob name.</summary>
    public const int MaxBytes = 8 * 1024;

    private const string Expected = "send {\"blob\": \"NAME\"} with NAME a row's blobName";

    public static async Task<(string? Blob, IResult? Error)> ReadAsync(Stream body, long? contentLength, CancellationToken cancellationToken)
    {
        var bytes = contentLength > MaxBytes ? null : await BoundedBody.ReadAsync(body, contentLength, MaxBytes, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return (null, ApiResults.Error(HttpStatusCode.RequestEntityTooLarge, ApiErrorCodes.BodyTooLarge, $"The body is over {MaxBytes:N0} bytes: {Expected}."));
        }

        try
        {
            using var json = JsonDocument.Parse(bytes);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("blob", out var blob)
                && blob.ValueKind == JsonValueKind.String)
            {
                return (blob.GetString(), null);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string of invalid UTF-8 (GetString): answered below, as JSON of another shape is.
        }

        return (null, ApiResults.Error(HttpStatusCode.BadRequest, ApiErrorCodes.BodyInvalid, $"The body is not a JSON object with a string \"blob\": {Expected}."));
    }
}
