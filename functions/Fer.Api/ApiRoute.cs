using Fer.Inference;
using Microsoft.AspNetCore.Http;

namespace Fer.Api;

/// <summary>One route of the HTTP API (<see cref="ApiRoutes"/>): what both hosts serve and openapi.json documents.</summary>
/// <param name="Name">The function's name in the function app, the endpoint's name in fer serve, and the operationId in openapi.json.</param>
/// <param name="Method">The method the route serves, as openapi.json documents it.</param>
/// <param name="Template">The path under <c>/api/</c>, with its <c>{parameters}</c>.</param>
/// <param name="Anonymous">The function app serves it without a function key: it reads and changes nothing.</param>
/// <param name="Handle">The handler; it finds its services in the request's and its parameters in the request's route values.</param>
public sealed record ApiRoute(string Name, string Method, string Template, bool Anonymous, Func<HttpRequest, Task<IResult>> Handle)
{
    /// <summary>
    /// Every method reaches the handler, which answers those but <see cref="Method"/> with a JSON 405: the Functions
    /// host would answer them with a bare 404.
    /// </summary>
    public bool TakesEveryMethod { get; init; }

    /// <summary>
    /// What both hosts call: the handler, with storage that cannot be reached or refuses the request answered as 503
    /// <c>storage-unavailable</c> (logged, with Retry-After) instead of the host's bare 500.
    /// </summary>
    public async Task<IResult> InvokeAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await Handle(request).ConfigureAwait(false);
        }
        catch (Exception e) when (UserFaults.IsStorageFault(e) && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return StorageFaultAnswer.Answer(request, Name, e);
        }
    }
}
