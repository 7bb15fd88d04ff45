using Boai.Orleans.Districts;
using Orleans.Concurrency;

namespace Boai.Orleans.Ledger;

/// <summary>
/// A projection that applies the ledger's events in memory and stores them behind (a district, a household): its lane
/// gives it events without waiting for a write (<see cref="Project"/>), keeps them as unstored, and asks
/// (<see cref="Stored"/>) until the projection says it stored them. A new activation that lost them holds less than
/// it was given, and the lane sends them again; the partition's cursor never passes an event not yet stored.
/// </summary>
public interface ILedgerProjection : IGrainWithStringKey
{
    /// <summary>
    /// Committed events of one partition, in log order, applied in memory (each at most once) and stored behind. When
    /// the projection holds less of the partition than <paramref name="after"/> (the last event the lane gave it and
    /// not yet saw stored), it lost events with an activation: it applies nothing and says so, and the lane sends them
    /// again.
    /// </summary>
    Task<LedgerProgress> Project(IReadOnlyList<LedgerEvent> events, long after);

    /// <summary>
    /// Completes once what the projection holds of the partition is stored (a write if needed), or a write failed (it
    /// then throws, and holds what storage holds). Interleaves: it only waits, so a busy projection's other calls do
    /// not queue behind its write.
    /// </summary>
    [AlwaysInterleave]
    Task<LedgerProgress> Stored(int partition);
}
