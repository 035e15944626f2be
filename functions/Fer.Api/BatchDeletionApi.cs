using System.Net;
using Fer.Inference.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Fer.Api;

/// <summary><c>DELETE /api/batches/{batch}</c>: a batch's blobs and rows, gone (the data lifecycle's "delete on request").</summary>
public sealed class BatchDeletionApi(BatchDeleter deleter)
{
    public async Task<IResult> DeleteAsync(string batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (BatchName.Problem(batch) is { } problem)
        {
            return ApiResults.Error(HttpStatusCode.BadRequest, ApiErrorCodes.BatchInvalid, $"'{batch}' is not a batch: {problem}.");
        }

        return ApiResults.Json(await deleter.DeleteAsync(batch, cancellationToken).ConfigureAwait(false));
    }
}
