using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fer.Inference.Storage;

/// <summary>
/// Maps blob paths to Table Storage keys. Keys may not contain / \ # ? or control characters and
/// are limited to 1 KiB, while a blob name can hold all of them and reach 1,024 characters. Every
/// forbidden character, and the escape character '%', becomes %XX (UTF-8 bytes), which is unique
/// and reversible. A key that would still be too long becomes '~' + the SHA-256 of the path
/// (unique; the BlobName column keeps the path). A blob at the container's root shares the default batch with
/// <c>default/</c> + the same name, so its key is set apart: '~r' + the escaped name, or '~' + a hash over other bytes.
/// </summary>
public static class TableKeys
{
    public const int MaxKeyLength = 512; // 1 KiB of UTF-16

    /// <summary>Between a blob's key and its face index: '~' never occurs in an escaped key except as a hashed key's first character.</summary>
    public const char FaceSeparator = '~';

    /// <summary>Characters a face row adds to its blob's key: the separator and four digits.</summary>
    public const int FaceSuffixLength = 5;

    /// <summary>What a root blob's plain key starts with: '~' and a letter that is no hex digit, so it is neither a folder blob's key nor a hashed one.</summary>
    public const string RootPrefix = "~r";

    /// <summary>The row key of face <paramref name="faceIndex"/> of the blob at <paramref name="pathInBatch"/> of a batch folder: its key + "~" + the index in four digits, so that a blob's face rows sort together and in order.</summary>
    public static string FaceKey(string pathInBatch, int faceIndex) => WithFace(Encode(pathInBatch), faceIndex);

    /// <summary>The row key of face <paramref name="faceIndex"/> of <paramref name="blob"/> (<see cref="BlobKey"/> + "~" + four digits).</summary>
    public static string FaceKey(FaceBlobName blob, int faceIndex) => WithFace(BlobKey(blob), faceIndex);

    /// <summary>
    /// The key of the row about the whole blob, and the stem of its face rows' keys: the escaped path in its batch, or
    /// for a blob at the container's root <see cref="RootPrefix"/> + the escaped name, because <c>x.jpg</c> and
    /// <c>default/x.jpg</c> both belong to the default batch with the path <c>x.jpg</c>.
    /// </summary>
    public static string BlobKey(FaceBlobName blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!blob.AtRoot)
        {
            return Encode(blob.PathInBatch);
        }

        var escaped = Escape(blob.BlobName);
        if (RootPrefix.Length + escaped.Length <= MaxKeyLength - FaceSuffixLength)
        {
            return RootPrefix + escaped;
        }

        // Hashed over bytes no path's UTF-8 can equal (0xFF never occurs in UTF-8): never a folder blob's hashed key.
        var bytes = Encoding.UTF8.GetBytes(blob.BlobName);
        var input = new byte[bytes.Length + 1];
        input[0] = 0xFF;
        bytes.CopyTo(input, 1);
        return "~" + Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>True when <paramref name="rowKey"/> is one of <paramref name="blob"/>'s row keys: its own key, or a face key on it.</summary>
    public static bool IsKeyOf(FaceBlobName blob, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        var key = BlobKey(blob);
        return rowKey.Length == key.Length
            ? string.Equals(rowKey, key, StringComparison.Ordinal)
            : rowKey.Length == key.Length + FaceSuffixLength && rowKey.StartsWith(key + FaceSeparator, StringComparison.Ordinal);
    }

    /// <summary>
    /// An OData filter for every row of the blob at <paramref name="pathInBatch"/> of the batch folder <paramref name="batch"/>:
    /// the row about the whole file (its plain key) and its face rows (the plain key + "~" + digits, which sort between "key~" and "key~:").
    /// </summary>
    public static string BlobRowsFilter(string batch, string pathInBatch) => RowsFilter(batch, Encode(pathInBatch));

    /// <summary>An OData filter for every row of <paramref name="blob"/>, as <see cref="BlobRowsFilter(string, string)"/>.</summary>
    public static string BlobRowsFilter(FaceBlobName blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return RowsFilter(blob.Batch, BlobKey(blob));
    }

    public static string Encode(string value)
    {
        var key = Escape(value);

        // Room is kept for a face row's suffix, so that every row of a blob fits.
        if (key.Length <= MaxKeyLength - FaceSuffixLength)
        {
            return key;
        }

        return "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>Reverses <see cref="Encode"/>; keys starting with '~' (hashed, or a root blob's) return null.</summary>
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

    private static string WithFace(string blobKey, int faceIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(faceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(faceIndex, 9999);
        return blobKey + FaceSeparator + faceIndex.ToString("D4", CultureInfo.InvariantCulture);
    }

    private static string RowsFilter(string batch, string key) => Azure.Data.Tables.TableClient.CreateQueryFilter(
        $"PartitionKey eq {Encode(batch)} and (RowKey eq {key} or (RowKey ge {key + FaceSeparator} and RowKey lt {key + FaceSeparator + ":"}))");

    /// <summary>Every forbidden character and '%' and '~' as %XX (UTF-8 bytes); the rest as it is.</summary>
    private static string Escape(string value)
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

        return key.ToString();
    }

    private static bool IsForbidden(Rune rune) =>
        rune.Value is '/' or '\\' or '#' or '?' or '%' or '~' or (< 0x20) or (>= 0x7F and <= 0x9F);
}
