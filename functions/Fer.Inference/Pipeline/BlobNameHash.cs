using System.Security.Cryptography;
using System.Text;

namespace Fer.Inference.Pipeline;

/// <summary>
/// What logs say instead of a blob's name (which may name a person, and would otherwise be kept by Application
/// Insights beyond the blob's retention): the first 12 hex digits of the name's SHA-256, enough to find the blob
/// again by hashing candidate names, not enough to read it. Hashed only when a log line is written.
/// </summary>
public readonly record struct BlobNameHash(string BlobName)
{
    public static string Of(string blobName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blobName ?? throw new ArgumentNullException(nameof(blobName)))))[..12];

    public override string ToString() => Of(BlobName);
}
