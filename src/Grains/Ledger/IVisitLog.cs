namespace Boai.Orleans.Ledger;

/// <summary>The events of one ledger partition after its dispatch cursor, and that cursor, as storage has them.</summary>
public sealed record LedgerTail(long Cursor, IReadOnlyList<LedgerEvent> Events, LedgerVersion Version = default)
{
    /// <summary>The highest sequence stored in the partition.</summary>
    public long Head => Events.Count == 0 ? Cursor : Events[^1].Seq;
}

/// <summary>
/// The version of a partition's cursor row that an append expects to replace (its ETag; none when the partition was
/// never written). Every append of a partition's writer replaces the cursor row on that condition, so a second writer of
/// the same partition (an activation Orleans briefly ran twice) cannot commit events under sequences the other used:
/// its append is refused whole (<see cref="LedgerFencedException"/>).
/// </summary>
public readonly record struct LedgerVersion(string? ETag)
{
    public bool Exists => ETag is not null;
}

/// <summary>Another writer appended to the partition since its tail was read: nothing of this append was written.</summary>
public sealed class LedgerFencedException(int partition, Exception inner)
    : Exception($"Ledger partition {partition} was appended to by another writer since its tail was read", inner);

/// <summary>A step of a visit was already stored (by a retry whose first answer was lost, or another activation).</summary>
public sealed class LedgerStepExistsException(LedgerEvent existing) : Exception($"Step {existing.Step} of visit {existing.Visit.VisitId} is already in the ledger")
{
    public LedgerEvent Event { get; } = existing;
}

/// <summary>
/// The visit ledger's storage (志愿服务记录): an append-only log in a fixed number of partitions, one entity-group
/// transaction per append. The partition of an event is a hash of its visit id (the phone's id), so every event of a
/// visit is in one partition and in that partition's order, and so are the visits of other volunteers with that id.
/// </summary>
public interface IVisitLog
{
    /// <summary>The table's partition count: the one it was written with (known once <see cref="OpenAsync"/> ran).</summary>
    int Partitions { get; }

    /// <summary>Reads the table's recorded layout (recording it on a new table); a silo does it before it takes calls.</summary>
    Task OpenAsync(CancellationToken cancellationToken = default);

    int PartitionOf(string visitId);

    /// <summary>
    /// Appends consecutive events of one partition and moves its dispatch cursor, atomically: all or nothing.
    /// Throws <see cref="LedgerStepExistsException"/> when a step of a visit is already stored, and
    /// <see cref="LedgerFencedException"/> when the cursor row is no longer at <paramref name="expected"/>; nothing is then
    /// written. Without <paramref name="expected"/> the cursor is replaced whatever its version (tools and tests).
    /// Returns the cursor row's new version, which the partition's next append expects.
    /// <paramref name="audits"/>, when given, holds each event's audit entry or null (parallel to <paramref name="events"/>):
    /// a stamped event's entry is written in the same transaction (<see cref="LedgerAuditRows"/>).
    /// <paramref name="jsons"/>, when given, holds each event's JSON text as
    /// <see cref="AzureTableVisitLog.Fitting(IReadOnlyList{LedgerEvent}, out List{string})"/> made it (so no event is
    /// serialized twice); else the events are serialized here.
    /// </summary>
    Task<LedgerVersion> AppendAsync(
        int partition,
        IReadOnlyList<LedgerEvent> events,
        long cursor,
        LedgerVersion? expected = null,
        IReadOnlyList<AuditEntry?>? audits = null,
        IReadOnlyList<string>? jsons = null,
        CancellationToken cancellationToken = default);

    /// <summary>The audit entries appended with visit steps on a UTC day, of every partition, by subject when given.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(DateOnly day, string? sub, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every stored event of the visits with this phone id, in order (one range query): one volunteer's visit, or
    /// several when volunteers chose the same id; each event names its volunteer (<see cref="VisitRecord.VolunteerId"/>).
    /// </summary>
    Task<IReadOnlyList<LedgerEvent>> ReadVisitAsync(string visitId, CancellationToken cancellationToken = default);

    /// <summary>The partition's dispatch cursor, every event after it, and the cursor row's version.</summary>
    Task<LedgerTail> ReadTailAsync(int partition, CancellationToken cancellationToken = default);

    /// <summary>Every event of a volunteer, partition by partition, each in log order.</summary>
    IAsyncEnumerable<LedgerEvent> ReadVolunteerAsync(string volunteerId, CancellationToken cancellationToken = default);

    /// <summary>A volunteer's events after the given positions (one range query per partition, in parallel), in log order per partition.</summary>
    Task<IReadOnlyList<LedgerEvent>> ReadVolunteerAfterAsync(string volunteerId, LedgerPositions applied, CancellationToken cancellationToken = default);

    /// <summary>Every event of the ledger, partition by partition, each in log order (rebuilds, reports).</summary>
    IAsyncEnumerable<LedgerEvent> ReadAllAsync(string? districtId = null, CancellationToken cancellationToken = default);
}
