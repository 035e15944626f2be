using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fer.Inference.Storage;

/// <summary>
/// Maps blob paths to Table Storage keys. Keys may not contain / \ # ? or control characters and
/// are limited to 1 KiB, while a blob name can hold all of them and reach 1,024 characters. Every
/// forbidden character, and the escape character '%', becomes %XX (UTF-8 bytes), which is unique
/// and reversible. A key that would still be too long becomes '~' + the SHA-256 of the path
/// (unique; the BlobName column keeps the path).
/// </summary>
public static class TableKeys
{
    public const int MaxKeyLength = 512; // 1 KiB of UTF-16

    /// <summary>Between a blob's key and its face index: '~' never occurs in an escaped key except as a hashed key's first character.</summary>
    public const char FaceSeparator = '~';

    /// <summary>Characters a face row adds to its blob's key: the separator and four digits.</summary>
    public const int FaceSuffixLength = 5;

    /// <summary>The row key of face <paramref name="faceIndex"/> of the blob at <paramref name="pathInBatch"/>: its key + "~" + the index in four digits, so that a blob's face rows sort together and in order.</summary>
    public static string FaceKey(string pathInBatch, int faceIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(faceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(faceIndex, 9999);
        return Encode(pathInBatch) + FaceSeparator + faceIndex.ToString("D4", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// An OData filter for every row of one blob: the row about the whole file (its plain key) and its face rows
    /// (the plain key + "~" + digits, which sort between "key~" and "key~:").
    /// </summary>
    public static string BlobRowsFilter(string batch, string pathInBatch)
    {
        var key = Encode(pathInBatch);
        return Azure.Data.Tables.TableClient.CreateQueryFilter(
            $"PartitionKey eq {Encode(batch)} and (RowKey eq {key} or (RowKey ge {key + FaceSeparator} and RowKey lt {key + FaceSeparator + ":"}))");
    }

    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = new StringBuilder(value.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (IsForbidden(rune))
            {
                var count = rune.EncodeToUtf8(bytes);
                foreach (var b in bytes[..count])
                {
                    key.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                key.Append(rune.ToString());
            }
        }

        // Room is kept for a face row's suffix, so that every row of a blob fits.
        if (key.Length <= MaxKeyLength - FaceSuffixLength)
        {
            return key.ToString();
        }

        return "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>Reverses <see cref="Encode"/>; hashed keys (starting with '~') cannot be reversed and return null.</summary>
    public static string? Decode(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith('~'))
        {
            return null;
        }

        var bytes = new List<byte>(key.Length);
        var i = 0;
        while (i < key.Length)
        {
            if (key[i] == '%' && i + 2 < key.Length && byte.TryParse(key.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 3;
                continue;
            }

            // Copy the run of plain characters up to the next escape whole, so surrogate pairs stay together.
            var next = key.IndexOf('%', i + 1);
            var end = next < 0 ? key.Length : next;
            bytes.AddRange(Encoding.UTF8.GetBytes(key[i..end]));
            i = end;
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsForbidden(Rune rune) =>
        rune.Value is '/' or '\\' or '#' or '?' or '%' or '~' or (< 0x20) or (>= 0x7F and <= 0x9F);
}
