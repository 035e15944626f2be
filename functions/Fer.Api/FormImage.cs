using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Fer.Api;

/// <summary>
/// The image of a <c>multipart/form-data</c> body (<c>curl -F image=@photo.jpg</c>, an HTML form): the first part that
/// carries a file name. The body was already read within the size limit, so parsing it in memory costs nothing more.
/// </summary>
internal static class FormImage
{
    /// <summary>RFC 2046's longest boundary; MultipartReader throws (a 500) on one longer than its buffer.</summary>
    public const int MaxBoundaryLength = 70;

    public static bool IsForm(string? contentType) =>
        contentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The first file's bytes; throws <see cref="InvalidDataException"/> for a form without a boundary or without a file.</summary>
    public static async Task<byte[]> FirstFileAsync(string contentType, byte[] body, CancellationToken cancellationToken)
    {
        var boundary = MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            ? HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value
            : null;
        if (string.IsNullOrEmpty(boundary))
        {
            throw new InvalidDataException("The multipart/form-data Content-Type names no boundary.");
        }

        if (boundary.Length > MaxBoundaryLength)
        {
            throw new InvalidDataException($"The multipart/form-data boundary has {boundary.Length:N0} characters; at most {MaxBoundaryLength} are allowed (RFC 2046).");
        }

        var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false));
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && (disposition.FileName.HasValue || disposition.FileNameStar.HasValue))
                {
                    using var file = new MemoryStream();
                    await section.Body.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                    return file.ToArray();
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // The parser's own text stays out of the answer: a fixed sentence for any form it cannot read.
            throw new InvalidDataException("The form cannot be read: it is truncated or not multipart/form-data with that boundary.", e);
        }

        throw new InvalidDataException("The form has no file field: send it as curl -F image=@photo.jpg, or the image itself as the body.");
    }
}
