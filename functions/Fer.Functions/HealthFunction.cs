using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Fer.Functions;

/// <summary>
/// GET /api/health. Classification (the blob trigger and the results API) is not built yet: until
/// it is, health says so plainly instead of pretending to serve a model.
/// </summary>
public static class HealthFunction
{
    [Function("Health")]
    public static async Task<HttpResponseData> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = request.CreateResponse(HttpStatusCode.ServiceUnavailable);
        await response.WriteAsJsonAsync(new { status = "not-serving", reason = "The classification pipeline is not part of this build yet." }).ConfigureAwait(false);
        response.StatusCode = HttpStatusCode.ServiceUnavailable;
        return response;
    }
}
