namespace Fer.Api;

/// <summary>A request body read up to a limit, whatever its Content-Length says (a chunked body has none).</summary>
public static class BoundedBody
{
    /// <summary>The body, or null when it is longer than <paramref name="limit"/>: never more than the limit and one byte is read.</summary>
    public static Task<byte[]?> ReadAsync(Stream body, long? contentLength, long limit, CancellationToken cancellationToken) =>
        ReadAsync(body, contentLength, limit, null, cancellationToken);

    /// <summary>
    /// The body, or null when it is longer than <paramref name="limit"/> or when its bytes no longer fit the request
    /// budget that <paramref name="reservation"/> holds them in (<see cref="BodyReservation.Refused"/>): the reservation
    /// grows before each chunk is kept, so a body without a Content-Length is counted while it is read.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(Stream body, long? contentLength, long limit, BodyReservation? reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream((int)Math.Clamp(contentLength ?? 81_920, 0, limit));
        var chunk = new byte[81_920];
        int read;
        while ((read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (reservation?.TryGrowTo(buffer.Length + read) == false)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                return null;
            }
        }

        // A body of its declared length fills the buffer exactly: hand over that array rather than a second copy of it.
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }
}
