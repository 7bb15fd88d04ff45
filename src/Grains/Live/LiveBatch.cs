using System.Collections.Immutable;

namespace Boai.Orleans.Live;

/// <summary>
/// One batch of a silo's stream of batches to one dashboard host, numbered within that stream
/// (<see cref="Publisher"/> names the stream). The silo sends a host its batches one call at a time, so they arrive in
/// order; the number lets the host see a batch that never came (a failed call) and a second copy.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LiveBatch(
    [property: Id(0)] Guid Publisher,
    [property: Id(1)] long Sequence,
    [property: Id(2)] ImmutableArray<LiveEvent> Events);

/// <summary>
/// A host's order of the batches it receives, per stream: a batch is released once every earlier batch of its stream
/// was, and a second copy is dropped. The publisher sends one batch at a time, so batches come in order; this guards the
/// host's side of that promise. A batch whose call failed holds the later ones back at most <see cref="MaxWait"/> (a
/// timer releases them then, whether or not another batch comes) or <see cref="MaxHeld"/> batches.
/// </summary>
public sealed class LiveBatchOrder : IDisposable
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);
    public const int MaxHeld = 64;

    /// <summary>
    /// A stream that has sent nothing for this long and holds nothing is forgotten (each publisher activation and each
    /// registration of a host starts a new one); if it sends again, its next batch starts its order afresh.
    /// </summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    private readonly Dictionary<Guid, Stream> _publishers = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Action<ImmutableArray<LiveEvent>> _release;
    private readonly ITimer _overdue;
    private bool _disposed;

    /// <param name="time">The clock of the waits and of the timer that ends them.</param>
    /// <param name="release">
    /// Takes each batch's events once they are in order, in order, under this object's lock (so the caller's hand-off,
    /// e.g. into a channel, keeps that order); called from <see cref="Accept"/> or from the timer.
    /// </param>
    public LiveBatchOrder(TimeProvider time, Action<ImmutableArray<LiveEvent>> release)
    {
        _time = time;
        _release = release;
        _overdue = time.CreateTimer(_ => ReleaseOverdue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Takes a batch and releases every batch now in order.</summary>
    public void Accept(LiveBatch batch)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetUtcNow();
            if (!_publishers.TryGetValue(batch.Publisher, out var stream))
            {
                // The first batch heard from a publisher starts its order (a host registers at any time).
                ForgetQuietStreams(now);
                stream = new Stream(batch.Sequence);
                _publishers[batch.Publisher] = stream;
            }

            stream.LastHeardAt = now;

            if (batch.Sequence < stream.Next)
            {
                return;
            }

            stream.Held[batch.Sequence] = (batch.Events, now);
            Drain(stream, now);
            ArmTimer(now);
        }
    }

    /// <summary>Stops the timer; batches still held are dropped, and later ones are ignored (the host is stopping).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _overdue.Dispose();
        }
    }

    private void ReleaseOverdue()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetUtcNow();
            foreach (var stream in _publishers.Values)
            {
                Drain(stream, now);
            }

            ArmTimer(now);
        }
    }

    private void Drain(Stream stream, DateTimeOffset now)
    {
        while (true)
        {
            if (stream.Held.Remove(stream.Next, out var next))
            {
                _release(next.Events);
                stream.Next++;
                continue;
            }

            // A gap: skip it once the oldest held batch has waited long enough, or too many wait.
            if (stream.Held.Count > 0 && (stream.Held.Count >= MaxHeld || now - stream.OldestHeldAt >= MaxWait))
            {
                stream.Next = stream.Held.Keys.Min();
                continue;
            }

            return;
        }
    }

    private void ForgetQuietStreams(DateTimeOffset now)
    {
        foreach (var (publisher, stream) in _publishers)
        {
            if (stream.Held.Count == 0 && now - stream.LastHeardAt >= ForgetAfter)
            {
                _publishers.Remove(publisher);
            }
        }
    }

    /// <summary>Sets the timer for when the oldest batch held behind a gap has waited <see cref="MaxWait"/>, or stops it.</summary>
    private void ArmTimer(DateTimeOffset now)
    {
        var due = (DateTimeOffset?)null;
        foreach (var stream in _publishers.Values)
        {
            if (stream.Held.Count > 0 && stream.OldestHeldAt + MaxWait is var streamDue && (due is null || streamDue < due))
            {
                due = streamDue;
            }
        }

        _overdue.Change(due is { } at ? (at - now < TimeSpan.Zero ? TimeSpan.Zero : at - now) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private sealed class Stream(long next)
    {
        public long Next { get; set; } = next;

        public DateTimeOffset LastHeardAt { get; set; }

        public SortedDictionary<long, (ImmutableArray<LiveEvent> Events, DateTimeOffset At)> Held { get; } = [];

        public DateTimeOffset OldestHeldAt => Held.Values.Min(h => h.At);
    }
}
