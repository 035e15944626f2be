using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace Fer.Api;

/// <summary>
/// Admission by bytes in flight (docs/design.md, "Classify's limits and errors"): what request bodies, and the images
/// the image route reads, may hold in memory at once in this process (<see cref="Inference.FerOptions.MaxRequestBytesInFlight"/>).
/// A request that does not fit is answered at once (<see cref="Busy"/>) rather than queued: a queued body is already
/// in memory, or holds a connection while it waits. One request larger than the whole budget is admitted when it is alone,
/// so that a budget below the body limit still serves every body one at a time.
/// </summary>
public sealed class RequestBudget
{
    /// <summary>What a refused client is told to wait: about the time a photo takes to classify.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly Lock gate = new();
    private long inFlight;

    public RequestBudget(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        CapacityBytes = capacityBytes;
    }

    public long CapacityBytes { get; }

    /// <summary>The bytes reserved now.</summary>
    public long InFlightBytes
    {
        get
        {
            lock (gate)
            {
                return inFlight;
            }
        }
    }

    /// <summary>A reservation of <paramref name="bytes"/> (0 for a body of unknown length, grown as it is read), or null when they do not fit now.</summary>
    public BodyReservation? TryReserve(long bytes)
    {
        var reservation = new BodyReservation(this);
        return reservation.TryGrowTo(bytes) ? reservation : null;
    }

    /// <summary>The answer to a request that does not fit: 503 <c>server-busy</c>, with Retry-After set on <paramref name="response"/>.</summary>
    public static IResult Busy(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return ApiResults.Error(HttpStatusCode.ServiceUnavailable, ApiErrorCodes.ServerBusy,
            $"The server is busy with other uploads; try again in {RetryAfterSeconds} seconds.");
    }

    internal bool TryAdd(long held, long more)
    {
        lock (gate)
        {
            // Others hold bytes (inFlight > held) and these would go over: refused. Alone, any size goes.
            if (inFlight + more > CapacityBytes && inFlight > held)
            {
                return false;
            }

            inFlight += more;
            return true;
        }
    }

    internal void Release(long bytes)
    {
        lock (gate)
        {
            inFlight -= bytes;
        }
    }
}

/// <summary>Bytes held against a <see cref="RequestBudget"/> by one request, until it is disposed.</summary>
public sealed class BodyReservation : IDisposable
{
    private readonly RequestBudget budget;
    private long bytes;

    internal BodyReservation(RequestBudget budget) => this.budget = budget;

    public long Bytes => Volatile.Read(ref bytes);

    /// <summary>Set once a growth was refused: the request is answered <see cref="RequestBudget.Busy"/>.</summary>
    public bool Refused { get; private set; }

    /// <summary>Makes the reservation at least <paramref name="total"/> bytes; false (and <see cref="Refused"/>) when that does not fit.</summary>
    public bool TryGrowTo(long total)
    {
        var held = Bytes;
        if (total <= held)
        {
            return true;
        }

        if (!budget.TryAdd(held, total - held))
        {
            Refused = true;
            return false;
        }

        Volatile.Write(ref bytes, total);
        return true;
    }

    public void Dispose()
    {
        var held = Interlocked.Exchange(ref bytes, 0);
        if (held > 0)
        {
            budget.Release(held);
        }
    }
}
