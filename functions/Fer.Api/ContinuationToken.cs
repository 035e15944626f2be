using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fer.Api;

/// <summary>
/// The results route's continuation token: the table's own token together with the batch and filters it belongs to,
/// and a checksum, so that a token that was changed, or one of another batch or filter, is refused with a 400 instead
/// of reaching the table. The checksum is not a secret: a forged token could still only read the batch named in the
/// URL, which the filter enforces and the caller's key already allows.
/// </summary>
internal static class ContinuationToken
{
    private const int ChecksumBytes = 12;

    public static string Wrap(string tableToken, string batch, string? emotion, string? status)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new[] { batch, emotion, status, tableToken });
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Checksum(payload));
    }

    /// <summary>The table's token, or null when <paramref name="token"/> is not one <see cref="Wrap"/> made for this batch and these filters.</summary>
    public static string? Unwrap(string token, string batch, string? emotion, string? status)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || !Base64Url.IsValid(token.AsSpan(0, dot)) || !Base64Url.IsValid(token.AsSpan(dot + 1)))
        {
            return null;
        }

        var payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
        if (!CryptographicOperations.FixedTimeEquals(Checksum(payload), Base64Url.DecodeFromChars(token.AsSpan(dot + 1))))
        {
            return null;
        }

        string?[]? parts;
        try
        {
            parts = JsonSerializer.Deserialize<string?[]>(payload);
        }
        catch (JsonException)
        {
            return null; // a payload made to match the checksum, which is no secret, but not the array Wrap writes
        }

        return parts is [var b, var e, var s, { } table] && b == batch && e == emotion && s == status ? table : null;
    }

    private static byte[] Checksum(byte[] payload) => SHA256.HashData(payload)[..ChecksumBytes];
}
