namespace Fer.Inference.Preprocessing;

/// <summary>
/// Bounds the memory that decoded images take at once in a process: each decode first reserves its estimated bytes
/// (known from the header before any pixel is decoded) and waits while the reservations in flight would exceed the
/// capacity. Counting bytes rather than images is what matters: one 40-megapixel photo needs as much as hundreds of
/// phone snapshots. Requests are served in arrival order, so a large image is not overtaken forever by small ones;
/// one larger than the whole capacity runs alone.
/// </summary>
public sealed class DecodeBudget
{
    /// <summary>512 MiB: on a 2 GB Flex Consumption instance this leaves the rest for the runtime, the models and the host.</summary>
    public const long DefaultCapacityBytes = 512L * 1024 * 1024;

    private readonly object gate = new(); // an object, not a Lock: Monitor.Wait needs one
    private long inUse;
    private long peak;
    private long nextTicket;
    private long serving;

    public DecodeBudget(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        CapacityBytes = capacityBytes;
    }

    /// <summary>The budget of every <see cref="ImageLimits"/> not given another: one per process.</summary>
    public static DecodeBudget Shared { get; } = new(DefaultCapacityBytes);

    public long CapacityBytes { get; }

    /// <summary>The most bytes reserved at once so far.</summary>
    public long PeakBytes
    {
        get
        {
            lock (gate)
            {
                return peak;
            }
        }
    }

    /// <summary>Reserves <paramref name="bytes"/>, waiting for earlier requests and for room; dispose the lease to give them back.</summary>
    public Lease Reserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (gate)
        {
            var ticket = nextTicket++;
            while (ticket != serving || (inUse > 0 && inUse + bytes > CapacityBytes))
            {
                Monitor.Wait(gate);
            }

            serving++;
            inUse += bytes;
            peak = Math.Max(peak, inUse);
            Monitor.PulseAll(gate); // the next ticket may fit as well
        }

        return new Lease(this, bytes);
    }

    private void Release(long bytes)
    {
        lock (gate)
        {
            inUse -= bytes;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Bytes reserved from a <see cref="DecodeBudget"/> until disposed.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly DecodeBudget budget;
        private long bytes;

        internal Lease(DecodeBudget budget, long bytes) => (this.budget, this.bytes) = (budget, bytes);

        public void Dispose() => budget.Release(Interlocked.Exchange(ref bytes, 0));
    }
}
