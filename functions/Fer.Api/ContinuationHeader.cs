namespace Fer.Api;

/// <summary>
/// Where the results route's continuation token travels: in a header, both ways (Azure's convention, as Cosmos DB's
/// x-ms-continuation), never in the URL. The token leads to the next row key, which spells a blob's path, and the
/// Functions host's request telemetry records every URL with its query string.
/// </summary>
public static class ContinuationHeader
{
    /// <summary>The request header that carries the previous page's token, and the response header that carries the next one.</summary>
    public const string Name = "x-fer-continuation";

    /// <summary>The query parameter the token once travelled in: refused now, so that no old client keeps putting file names into URLs.</summary>
    public const string RefusedQueryParameter = "continuationToken";
}
