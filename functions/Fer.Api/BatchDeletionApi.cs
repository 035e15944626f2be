using System.Net;
using Fer.Inference.Pipeline;

namespace Fer.Api;

/// <summary><c>DELETE /api/batches/{batch}</c>: a batch's blobs and rows, gone (the data lifecycle's "delete on request").</summary>
public sealed class BatchDeletionApi(BatchDeleter deleter)
{
    public const string Route = "batches/{batch}";

    public async Task<ApiResponse> DeleteAsync(string batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (BatchName.Problem(batch) is { } problem)
        {
            return ApiResponse.Error(HttpStatusCode.BadRequest, ApiErrorCodes.BatchInvalid, $"'{batch}' is not a batch: {problem}.");
        }

        return new ApiResponse(HttpStatusCode.OK, await deleter.DeleteAsync(batch, cancellationToken).ConfigureAwait(false));
    }
}
