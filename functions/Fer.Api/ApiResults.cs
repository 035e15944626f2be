using System.Net;
using Fer.Inference;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fer.Api;

/// <summary>The answers of every route: JSON written with <see cref="FerJson.Options"/> (camelCase, nulls kept), as the CLI's JSON lines are.</summary>
public static class ApiResults
{
    /// <summary>The content type of every JSON answer, and of the OpenAPI document.</summary>
    public const string JsonContentType = "application/json; charset=utf-8";

    public static JsonHttpResult<T> Json<T>(T value, HttpStatusCode status = HttpStatusCode.OK) =>
        TypedResults.Json(value, FerJson.Options, JsonContentType, (int)status);

    /// <summary>A 4xx/5xx answer: a stable <paramref name="code"/> (the blob path's ErrorCode where one exists) and a sentence.</summary>
    public static JsonHttpResult<ApiError> Error(HttpStatusCode status, string code, string message) =>
        Json(new ApiError(code, message), status);
}
