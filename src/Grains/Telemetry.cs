using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Boai.Orleans;

/// <summary>
/// The service's own metrics, one meter (<see cref="MeterName"/>) for every host; OpenTelemetry exports it beside
/// Orleans' meter (<c>Microsoft.Orleans</c>: activations per grain type, messages, silo health). Names follow the
/// OpenTelemetry conventions: dotted, lower case, unit in the instrument, not the name.
/// </summary>
public static class Telemetry
{
    public const string MeterName = "Boai.Orleans";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> CheckIns = Meter.CreateCounter<long>(
        "boai.visits.checked_in", "{visit}", "Visits checked in (new visits only, not replays of a retried request)");

    private static readonly Counter<long> CheckOuts = Meter.CreateCounter<long>(
        "boai.visits.checked_out", "{visit}", "Visits checked out (new check-outs only)");

    private static readonly Counter<long> EventsFannedOut = Meter.CreateCounter<long>(
        "boai.live.events_fanned_out", "{event}", "Live events sent to dashboard hosts, counted once per host they reached");

    private static readonly Histogram<long> LiveBatchSize = Meter.CreateHistogram<long>(
        "boai.live.batch_size", "{event}", "Events in one batch sent to one dashboard host");

    private static readonly Histogram<double> StorageLatency = Meter.CreateHistogram<double>(
        "boai.ledger.duration", "ms", "Time of one write (a transaction of up to 100 rows) to the hours ledger table");

    private static readonly Histogram<double> LedgerAppendQueue = Meter.CreateHistogram<double>(
        "boai.ledger.append.queued", "ms", "Time a visit step waited in its ledger partition for the transaction in flight before its own was sent; with boai.ledger.duration, what a phone's request waits for");

    private static readonly Counter<long> StorageRequests = Meter.CreateCounter<long>(
        "boai.storage.requests", "{request}", "Requests to the storage account, by kind: transaction (entity-group batch), write, read");

    private static readonly Histogram<double> MatchPoolBuilds = Meter.CreateHistogram<double>(
        "boai.matching.pool_build.duration", "ms", "Time to prepare a district's matching pool from its volunteers (once per activation, and after a change it cannot take in place)");

    private static long _requests;
    private static long _transactions;
    private static long _writes;
    private static long _ledgerAppends;
    private static long _districtFlushes;
    private static long _transactionEntities;

    // Each silo reports the districts active on it, as of their latest summary; a district lives on one silo at a time.
    private static readonly ConcurrentDictionary<string, int> Uncovered = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<int> UncoveredNeeds = Meter.CreateObservableGauge(
        "boai.needs.uncovered",
        () => Uncovered.Select(d => new Measurement<int>(d.Value, District(d.Key))),
        "{need}",
        "Uncovered needs per district, as of the district's latest summary");

    public static void CheckedIn(string districtId) => CheckIns.Add(1, District(districtId));

    public static void CheckedOut(string districtId) => CheckOuts.Add(1, District(districtId));

    /// <summary>One batch of <paramref name="events"/> delivered to one dashboard host.</summary>
    public static void FannedOut(int events)
    {
        EventsFannedOut.Add(events);
        LiveBatchSize.Record(events);
    }

    /// <summary>The district's uncovered needs now (called where its summary is computed).</summary>
    public static void UncoveredNeedsNow(string districtId, int count) => Uncovered[districtId] = count;

    /// <summary>The district left this silo: another silo reports it from now on.</summary>
    public static void DistrictDeactivated(string districtId) => Uncovered.TryRemove(districtId, out _);

    /// <summary>Records how long a storage write took, from a <see cref="Stopwatch.GetTimestamp"/> taken before it.</summary>
    public static void StorageWrite(string store, long startedAt, bool succeeded) =>
        StorageLatency.Record(
            Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds,
            new KeyValuePair<string, object?>("store", store),
            new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "error"));

    /// <summary>A visit step's transaction was sent: it had waited since <paramref name="queuedAt"/> (a <see cref="Stopwatch.GetTimestamp"/>) for the one in flight.</summary>
    public static void LedgerAppendQueued(long queuedAt, long sentAt) =>
        LedgerAppendQueue.Record(Stopwatch.GetElapsedTime(queuedAt, sentAt).TotalMilliseconds);

    /// <summary>A district's matching pool was prepared, from a <see cref="Stopwatch.GetTimestamp"/> taken before.</summary>
    public static void MatchPoolBuilt(string districtId, long startedAt) =>
        MatchPoolBuilds.Record(Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds, District(districtId));

    private static KeyValuePair<string, object?> District(string districtId) => new("district", districtId);

    /// <summary>One request to the storage account (counted by the table clients' pipeline, every retry included).</summary>
    public static void StorageRequest(string kind)
    {
        StorageRequests.Add(1, new KeyValuePair<string, object?>("kind", kind));
        Interlocked.Increment(ref _requests);
        switch (kind)
        {
            case "transaction":
                Interlocked.Increment(ref _transactions);
                break;
            case "write":
                Interlocked.Increment(ref _writes);
                break;
        }
    }

    /// <summary>One ledger append sent (an entity-group transaction of one or more events).</summary>
    public static void LedgerAppend() => Interlocked.Increment(ref _ledgerAppends);

    /// <summary>One write of a district's rows sent (one or more entity-group transactions).</summary>
    public static void DistrictFlush() => Interlocked.Increment(ref _districtFlushes);

    /// <summary>An entity-group transaction of <paramref name="entities"/> sent (Azure Table storage charges each of them its time; Azurite too).</summary>
    public static void TransactionSent(int entities) => Interlocked.Add(ref _transactionEntities, entities);

    /// <summary>This process's storage requests so far: what the bench divides by the pairs it made.</summary>
    public static StorageRequestCounts StorageRequestsSoFar() =>
        new(
            Interlocked.Read(ref _requests),
            Interlocked.Read(ref _transactions),
            Interlocked.Read(ref _writes),
            Interlocked.Read(ref _ledgerAppends),
            Interlocked.Read(ref _districtFlushes),
            Interlocked.Read(ref _transactionEntities));
}

/// <summary>Storage requests of one process since it started.</summary>
[GenerateSerializer, Immutable]
public sealed record StorageRequestCounts(
    [property: Id(0)] long Requests,
    [property: Id(1)] long Transactions,
    [property: Id(2)] long Writes,
    [property: Id(3)] long LedgerAppends,
    [property: Id(4)] long DistrictFlushes,
    [property: Id(5)] long TransactionEntities = 0);

/// <summary>
/// One process's allocations and garbage collections since it started (<see cref="GC"/>): with a count of work done in
/// between, bytes allocated per unit of work, the figure that does not move with the machine's speed.
/// </summary>
/// <param name="AllocatedBytes">Bytes allocated on the managed heap.</param>
/// <param name="GcPauseMilliseconds">Wall time the runtime was paused for collections.</param>
/// <param name="Collections">Collections of any generation.</param>
/// <param name="Gen1Collections">Of them, of generation 1 or 2.</param>
/// <param name="Gen2Collections">Of them, of generation 2.</param>
[GenerateSerializer, Immutable]
public sealed record RuntimeCounts(
    [property: Id(0)] long AllocatedBytes,
    [property: Id(1)] double GcPauseMilliseconds,
    [property: Id(2)] int Collections,
    [property: Id(3)] int Gen1Collections,
    [property: Id(4)] int Gen2Collections)
{
    public static RuntimeCounts Now() => new(
        GC.GetTotalAllocatedBytes(),
        GC.GetTotalPauseDuration().TotalMilliseconds,
        GC.CollectionCount(0),
        GC.CollectionCount(1),
        GC.CollectionCount(2));
}
