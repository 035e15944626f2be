namespace Fer.Api;

/// <summary>What the classify route reads from a request, whichever host received it.</summary>
/// <param name="ContentLength">The Content-Length header; null for a chunked body.</param>
/// <param name="Batch">The <c>batch</c> query parameter: upload the image into this batch as well.</param>
/// <param name="BatchRepeated">The query gives <c>batch</c> more than once: refused, rather than the hosts' comma-joined value.</param>
public sealed record ClassifyRequest(string Method, long? ContentLength, string? ContentType, Stream Body, string? Batch, bool BatchRepeated = false);
