namespace Fer.Api;

/// <summary>What the image route reads from a request, whichever host received it. The blob name is in the body, never the URL: hosts log URLs.</summary>
/// <param name="ContentLength">The Content-Length header; null for a chunked body.</param>
/// <param name="Body">JSON: <c>{"blob": "NAME"}</c>, NAME a row's <c>blobName</c>.</param>
public sealed record BlobImageRequest(string Method, long? ContentLength, Stream Body);
