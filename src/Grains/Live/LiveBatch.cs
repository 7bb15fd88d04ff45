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
/// host's side of that promise. A batch whose call failed holds the later ones back at most <see cref="MaxWait"/> or
/// <see cref="MaxHeld"/> batches.
/// </summary>
public sealed class LiveBatchOrder(TimeProvider time)
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);
    public const int MaxHeld = 64;

    private readonly Dictionary<Guid, Stream> _publishers = [];
    private readonly Lock _lock = new();

    /// <summary>
    /// Takes a batch and hands every batch now in order to <paramref name="release"/>, in order, under this object's
    /// lock (so the caller's hand-off, e.g. into a channel, keeps that order).
    /// </summary>
    public void Accept(LiveBatch batch, Action<ImmutableArray<LiveEvent>> release)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (!_publishers.TryGetValue(batch.Publisher, out var stream))
            {
                // The first batch heard from a publisher starts its order (a host registers at any time).
                stream = new Stream(batch.Sequence);
                _publishers[batch.Publisher] = stream;
            }

            if (batch.Sequence < stream.Next)
            {
                return;
            }

            stream.Held[batch.Sequence] = (batch.Events, now);
            while (true)
            {
                if (stream.Held.Remove(stream.Next, out var next))
                {
                    release(next.Events);
                    stream.Next++;
                    continue;
                }

                // A gap: skip it once the oldest held batch has waited long enough, or too many wait.
                if (stream.Held.Count > 0
                    && (stream.Held.Count >= MaxHeld || now - stream.Held.Values.Min(h => h.At) >= MaxWait))
                {
                    stream.Next = stream.Held.Keys.Min();
                    continue;
                }

                break;
            }
        }
    }

    private sealed class Stream(long next)
    {
        public long Next { get; set; } = next;

        public SortedDictionary<long, (ImmutableArray<LiveEvent> Events, DateTimeOffset At)> Held { get; } = [];
    }
}
