namespace Fer.Api;

/// <summary>The body of every error answer: a stable <c>code</c> (<see cref="ApiErrorCodes"/>, or the blob path's ErrorCode) and a sentence.</summary>
public sealed record ApiError(string Code, string Error);
