using Azure;
using Boai.Orleans.Ledger;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>The silo's ledger with appends that fail before anything is written while <see cref="Failing"/> is set.</summary>
public sealed class FailingLedger(IVisitLog inner) : IVisitLog
{
    private volatile bool _failing;

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public int Partitions => inner.Partitions;

    public Task OpenAsync(CancellationToken cancellationToken = default) => inner.OpenAsync(cancellationToken);

    public int PartitionOf(string visitId) => inner.PartitionOf(visitId);

    public Task<LedgerVersion> AppendAsync(
        int partition,
        IReadOnlyList<LedgerEvent> events,
        long cursor,
        LedgerVersion? expected = null,
        IReadOnlyList<AuditEntry?>? audits = null,
        CancellationToken cancellationToken = default) =>
        Failing
            ? throw new RequestFailedException(503, "injected: storage unavailable, nothing written")
            : inner.AppendAsync(partition, events, cursor, expected, audits, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(DateOnly day, string? sub, CancellationToken cancellationToken = default) =>
        inner.ReadAuditAsync(day, sub, cancellationToken);

    public Task<IReadOnlyList<LedgerEvent>> ReadVisitAsync(string visitId, CancellationToken cancellationToken = default) =>
        inner.ReadVisitAsync(visitId, cancellationToken);

    public Task<LedgerTail> ReadTailAsync(int partition, CancellationToken cancellationToken = default) =>
        inner.ReadTailAsync(partition, cancellationToken);

    public IAsyncEnumerable<LedgerEvent> ReadVolunteerAsync(string volunteerId, CancellationToken cancellationToken = default) =>
        inner.ReadVolunteerAsync(volunteerId, cancellationToken);

    public Task<IReadOnlyList<LedgerEvent>> ReadVolunteerAfterAsync(string volunteerId, LedgerPositions applied, CancellationToken cancellationToken = default) =>
        inner.ReadVolunteerAfterAsync(volunteerId, applied, cancellationToken);

    public IAsyncEnumerable<LedgerEvent> ReadAllAsync(string? districtId = null, CancellationToken cancellationToken = default) =>
        inner.ReadAllAsync(districtId, cancellationToken);
}
