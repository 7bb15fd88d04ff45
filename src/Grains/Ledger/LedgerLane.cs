using Boai.Orleans.Districts;

namespace Boai.Orleans.Ledger;

/// <summary>
/// What a ledger partition holds for one projection: committed events still to deliver, and (for a district or a
/// household, which write behind: <see cref="ILedgerProjection"/>) events delivered but not yet stored. Two loops of the partition work on a lane at once, one
/// delivering and one asking what is stored, and each awaits a grain call between reading the lane and changing it;
/// so the lane is changed only by sequence number, never by position, and both lists stay in log order without
/// repeats whatever the interleaving (a projection's activation that lost its unstored events may be found by the one
/// loop while the other is delivering).
/// </summary>
internal sealed class LedgerLane
{
    private readonly List<LedgerEvent> _events = [];
    private readonly List<LedgerEvent> _unstored = [];

    /// <summary>The projection's grain, once a loop asked for it (a reference costs a reflection scan to make).</summary>
    public object? Target { get; set; }

    /// <summary>A delivery loop is running.</summary>
    public bool Running { get; set; }

    /// <summary>A loop asking what is stored is running.</summary>
    public bool Confirming { get; set; }

    public bool HasEvents => _events.Count > 0;

    public bool HasUnstored => _unstored.Count > 0;

    public bool Idle => _events.Count == 0 && _unstored.Count == 0;

    /// <summary>The newest event the projection was given and has not stored (0 when none): it must hold at least that.</summary>
    public long Given => _unstored.Count > 0 ? _unstored[^1].Seq : 0;

    /// <summary>The oldest event the projection does not yet hold stored, or null.</summary>
    public long? Oldest => (_events.Count, _unstored.Count) switch
    {
        (0, 0) => null,
        (_, 0) => _events[0].Seq,
        (0, _) => _unstored[0].Seq,
        _ => Math.Min(_events[0].Seq, _unstored[0].Seq),
    };

    /// <summary>A newly committed event (the partition dispatches in log order).</summary>
    public void Add(LedgerEvent e) => Merge(_events, [e]);

    /// <summary>The next call's events: the oldest undelivered ones, in log order.</summary>
    public List<LedgerEvent> NextWave(int max) => _events.Take(max).ToList();

    /// <summary>The projection holds <paramref name="wave"/> (stored, or a volunteer's in memory): those events leave.</summary>
    public void Delivered(IReadOnlyList<LedgerEvent> wave) => Remove(_events, wave);

    /// <summary>A district applied <paramref name="wave"/> in memory: the events wait as unstored until it stores them.</summary>
    public void Projected(IReadOnlyList<LedgerEvent> wave)
    {
        Remove(_events, wave);
        Merge(_unstored, wave);
    }

    /// <summary>
    /// What the district said it holds and stored, after being given everything up to <paramref name="given"/>.
    /// Stored events leave; if it holds less than it was given, a new activation lost them, and every unstored event
    /// goes back to be delivered again, in log order with the rest. Returns whether that happened.
    /// </summary>
    public bool Confirmed(LedgerProgress progress, long given)
    {
        if (progress.Applied < given)
        {
            Merge(_events, _unstored);
            _unstored.Clear();
            return true;
        }

        _unstored.RemoveAll(e => e.Seq <= progress.Stored);
        return false;
    }

    public int UnstoredCount => _unstored.Count;

    private static void Remove(List<LedgerEvent> list, IReadOnlyList<LedgerEvent> events)
    {
        var seqs = events.Select(e => e.Seq).ToHashSet();
        list.RemoveAll(e => seqs.Contains(e.Seq));
    }

    private static void Merge(List<LedgerEvent> into, IReadOnlyList<LedgerEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        // The usual case: newer than everything held.
        if ((into.Count == 0 || events[0].Seq > into[^1].Seq) && IsAscending(events))
        {
            into.AddRange(events);
            return;
        }

        var merged = into.Concat(events).DistinctBy(e => e.Seq).OrderBy(e => e.Seq).ToList();
        into.Clear();
        into.AddRange(merged);
    }

    private static bool IsAscending(IReadOnlyList<LedgerEvent> events)
    {
        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].Seq <= events[i - 1].Seq)
            {
                return false;
            }
        }

        return true;
    }
}
