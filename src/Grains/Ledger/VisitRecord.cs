using Boai.Orleans.Model;
using Boai.Orleans.Visits;

namespace Boai.Orleans.Ledger;

/// <summary>A step of a visit as the ledger records it; each step of one visit is recorded at most once.</summary>
public enum VisitStep
{
    CheckedIn,
    CheckedOut,
    Decided,
    Backfilled,
}

/// <summary>
/// A visit as it stands after one of its steps: every event of the ledger carries the whole record, so the visit's
/// state is its latest event and a projection never needs an earlier one.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record VisitRecord
{
    [Id(0)] public required string VisitId { get; init; }
    [Id(1)] public required string VolunteerId { get; init; }
    [Id(2)] public required string HouseholdId { get; init; }
    [Id(3)] public required string DistrictId { get; init; }
    [Id(4)] public string? NeedId { get; init; }
    [Id(5)] public DateTimeOffset CheckedInAt { get; init; }
    [Id(6)] public DateTimeOffset CheckInReceivedAt { get; init; }
    /// <summary>What made the first request of the visit: a retry with the same fingerprint is the same request.</summary>
    [Id(7)] public string CheckInRequest { get; init; } = "";
    [Id(8)] public GeoPoint? HouseholdLocation { get; init; }
    [Id(9)] public IReadOnlyList<string> Flags { get; init; } = [];
    [Id(10)] public DateTimeOffset? CheckedOutAt { get; init; }
    [Id(11)] public DateTimeOffset? CheckOutReceivedAt { get; init; }
    [Id(12)] public string? CheckOutRequest { get; init; }
    [Id(13)] public int? DurationMinutes { get; init; }
    [Id(14)] public double? Hours { get; init; }
    [Id(15)] public IReadOnlyList<string> Services { get; init; } = [];
    [Id(16)] public string? Notes { get; init; }
    [Id(17)] public VisitStatus Status { get; init; }
    [Id(18)] public string? DecidedBy { get; init; }
    [Id(19)] public string? DecisionReason { get; init; }
    [Id(20)] public DateTimeOffset? DecidedAt { get; init; }
    [Id(21)] public bool Backfilled { get; init; }
    [Id(22)] public string? BackfillReason { get; init; }
    /// <summary>Menu orders the volunteer took for this household: the check-out completes them.</summary>
    [Id(23)] public IReadOnlyList<string> OrderIds { get; init; } = [];
    /// <summary>Who back-filled the visit: they may not also certify it (四眼原则).</summary>
    [Id(24)] public string? BackfilledBy { get; init; }

    /// <summary>The visit's key: its volunteer and the phone's id.</summary>
    public VisitKey Key => new(VolunteerId, VisitId);

    /// <summary>Checked out (or back-filled): its hours exist, pending or decided.</summary>
    public bool Finished => CheckedOutAt is not null;
}

/// <summary>
/// One committed event of the ledger: <see cref="Seq"/> orders the events of its <see cref="Partition"/> (every event
/// of a visit is in one partition), so a projection that remembers the last sequence it applied per partition applies
/// each event exactly once, however often it is delivered.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LedgerEvent(
    [property: Id(0)] int Partition,
    [property: Id(1)] long Seq,
    [property: Id(2)] VisitStep Step,
    [property: Id(3)] VisitRecord Visit);

/// <summary>The last sequence applied from each ledger partition: what a projection has seen of the log.</summary>
[GenerateSerializer]
public sealed class LedgerPositions
{
    [Id(0)] public Dictionary<int, long> Applied { get; set; } = [];

    /// <summary>True (and remembered) when the event is newer than what was applied from its partition.</summary>
    public bool TryAdvance(LedgerEvent e)
    {
        if (Applied.TryGetValue(e.Partition, out var seen) && seen >= e.Seq)
        {
            return false;
        }

        Applied[e.Partition] = e.Seq;
        return true;
    }

    public long Of(int partition) => Applied.GetValueOrDefault(partition);
}
