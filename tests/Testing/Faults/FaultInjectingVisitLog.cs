using Azure;
using Boai.Orleans.Ledger;

namespace Boai.Orleans.Testing;

/// <summary>
/// The service's ledger with storage faults on demand: the next appends fail before anything is written, or are
/// written and then fail (the answer lost on its way back, as after a timeout), exactly as Azure Tables can.
/// </summary>
public sealed class FaultInjectingVisitLog(IVisitLog inner) : IVisitLog
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, HeldRead> _heldReads = new();
    private int _failBefore;
    private int _failAfter;

    public int Partitions => inner.Partitions;

    public Task OpenAsync(CancellationToken cancellationToken = default) => inner.OpenAsync(cancellationToken);

    /// <summary>The next <paramref name="count"/> appends fail; when <paramref name="landed"/>, each is stored first.</summary>
    public void FailNextAppends(int count = 1, bool landed = false)
    {
        if (landed)
        {
            Volatile.Write(ref _failAfter, count);
        }
        else
        {
            Volatile.Write(ref _failBefore, count);
        }
    }

    /// <summary>The next tail read of a partition reads storage at once and answers only when the test lets it.</summary>
    public HeldRead HoldNextTailRead(int partition)
    {
        var held = new HeldRead();
        _heldReads[partition] = held;
        return held;
    }

    public void Heal()
    {
        Volatile.Write(ref _failBefore, 0);
        Volatile.Write(ref _failAfter, 0);
    }

    public int PartitionOf(string visitId) => inner.PartitionOf(visitId);

    public async Task<LedgerVersion> AppendAsync(
        int partition,
        IReadOnlyList<LedgerEvent> events,
        long cursor,
        LedgerVersion? expected = null,
        IReadOnlyList<AuditEntry?>? audits = null,
        IReadOnlyList<string>? jsons = null,
        CancellationToken cancellationToken = default)
    {
        if (Take(ref _failBefore))
        {
            throw new RequestFailedException(503, "injected: storage unavailable, nothing written");
        }

        var version = await inner.AppendAsync(partition, events, cursor, expected, audits, jsons, cancellationToken);
        if (Take(ref _failAfter))
        {
            throw new RequestFailedException(500, "injected: written, but the answer was lost");
        }

        return version;
    }

    public Task<IReadOnlyList<LedgerEvent>> ReadVisitAsync(string visitId, CancellationToken cancellationToken = default) =>
        inner.ReadVisitAsync(visitId, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(DateOnly day, string? sub, CancellationToken cancellationToken = default) =>
        inner.ReadAuditAsync(day, sub, cancellationToken);

    public async Task<LedgerTail> ReadTailAsync(int partition, CancellationToken cancellationToken = default)
    {
        var tail = await inner.ReadTailAsync(partition, cancellationToken);
        if (_heldReads.TryRemove(partition, out var held))
        {
            held.Read.TrySetResult();
            await held.Answer.Task;
        }

        return tail;
    }

    public IAsyncEnumerable<LedgerEvent> ReadVolunteerAsync(string volunteerId, CancellationToken cancellationToken = default) =>
        inner.ReadVolunteerAsync(volunteerId, cancellationToken);

    public Task<IReadOnlyList<LedgerEvent>> ReadVolunteerAfterAsync(string volunteerId, LedgerPositions applied, CancellationToken cancellationToken = default) =>
        inner.ReadVolunteerAfterAsync(volunteerId, applied, cancellationToken);

    public IAsyncEnumerable<LedgerEvent> ReadAllAsync(string? districtId = null, CancellationToken cancellationToken = default) =>
        inner.ReadAllAsync(districtId, cancellationToken);

    private static bool Take(ref int counter)
    {
        while (true)
        {
            var left = Volatile.Read(ref counter);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    /// <summary>A tail read that has read storage (<see cref="Read"/>) and answers when <see cref="Let"/> is called.</summary>
    public sealed class HeldRead
    {
        internal TaskCompletionSource Read { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal TaskCompletionSource Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task HasRead => Read.Task;

        public void Let() => Answer.TrySetResult();
    }
}
