namespace Boai.Orleans.Ledger;

/// <summary>Wakes every ledger partition when a silo starts, so events a dead silo left undelivered reach their projections.</summary>
public static class LedgerStartup
{
    public static Task WakeAllAsync(IGrainFactory grains, IVisitLog log) =>
        Task.WhenAll(Enumerable.Range(0, log.Partitions).Select(p => grains.GetGrain<ILedgerPartitionGrain>(p).Wake()));
}
