using System.Net;
using Fer.Api;
using Microsoft.AspNetCore.Http;

namespace Fer.Cli;

/// <summary>
/// fer serve answers only its own machine's pages (docs/design.md, "fer serve"). It has no function keys, so any web page
/// the user opens could otherwise drive it: through DNS rebinding (a site's name re-pointed at 127.0.0.1, which makes
/// its pages same-origin with this server and lets them read answers) or through cross-site requests (a form or fetch
/// that uploads, deletes or starts runs). So a request must name a loopback host (or one allowed with
/// <c>--allow-host</c>), and a request that can change state must not come from another site's page.
/// </summary>
internal sealed class LocalRequestGuard
{
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    private readonly HashSet<string> hosts;

    /// <param name="allowedHosts">Host names to accept besides the loopback names (a proxy's or a container's name), without port.</param>
    public LocalRequestGuard(IEnumerable<string> allowedHosts) =>
        hosts = new HashSet<string>(LoopbackHosts.Concat(allowedHosts ?? []), StringComparer.OrdinalIgnoreCase);

    /// <summary>Why the request is refused, or null when it may go on.</summary>
    public IResult? Check(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!hosts.Contains(request.Host.Host))
        {
            return ApiResults.Error(HttpStatusCode.Forbidden, ApiErrorCodes.HostNotAllowed,
                "fer serve answers requests for localhost, 127.0.0.1 and [::1] only (fer serve --allow-host NAME adds a name).");
        }

        return ChangesState(request.Method) && FromAnotherSite(request)
            ? ApiResults.Error(HttpStatusCode.Forbidden, ApiErrorCodes.CrossSiteRequest,
                "fer serve takes uploads, deletions and runs only from its own page or from programs, not from another site's page.")
            : null;
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (Check(context.Request) is { } refusal)
        {
            await refusal.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static bool ChangesState(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>
    /// A browser says where a request comes from: Sec-Fetch-Site (same-origin, or none when the user typed it) and Origin.
    /// same-site is refused too, because another port of localhost is the same site. Programs (curl, fer) send neither.
    /// </summary>
    private static bool FromAnotherSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        return !Uri.TryCreate(origin, UriKind.Absolute, out var from)
            || !Uri.TryCreate($"{request.Scheme}://{request.Host}", UriKind.Absolute, out var self)
            || Uri.Compare(from, self, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0;
    }
}
