using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Households;

/// <summary>
/// How a household's changes leave it: its state to storage and its summary to the district, each with one call in
/// flight, so two writes of the state never overlap (they would break the ETag chain) and summaries reach the district
/// in the order they were made.
/// <para>
/// A coordinator's change is written at once (<see cref="WriteAsync"/>) and its summary stored by the district at once
/// (<see cref="PublishAsync"/>): the coordinator waits for both. A finished visit from the ledger is applied in memory,
/// its summary sent at once and stored with the district's next write (<see cref="PublishLater"/>), and the state
/// written behind, within <see cref="HouseholdOptions.WriteBehind"/> (<see cref="WriteLater"/>). The ledger's lane keeps
/// those events until <see cref="StoredAsync"/> says both the state holding them and the district's summary made from
/// them are stored; an activation that lost them (a crash, a failed write that re-read the state) holds less than the
/// lane gave it, and the lane delivers them again.
/// </para>
/// </summary>
internal sealed class HouseholdCommit
{
    private readonly IPersistentState<HouseholdState> _state;
    private readonly Func<HouseholdSummary?> _summary;
    private readonly Func<string, IDistrictGrain> _district;
    private readonly Action _unreadable;
    private readonly Action<Exception> _failedBehind;
    private readonly GroupCommit _writes;
    private readonly GroupCommit _publishes;
    private readonly WriteBehindGate _gate;

    // Of each ledger partition: the last event that changed the household (later ones changed only its positions, and
    // need no write of their own), what the stored state holds, and what the summary the district stored was made from.
    private Dictionary<int, long> _changed = [];
    private Dictionary<int, long> _stored = [];
    private Dictionary<int, long> _published = [];

    // The last summary sent to be stored behind, which the district's ticket says is stored or lost.
    private (string District, SummaryTicket Ticket, Dictionary<int, long> Positions)? _behind;
    private bool _urgent;

    // A change in memory that no write has taken yet: a write asked for after the one in flight took everything is skipped.
    private bool _dirty;

    // Failed writes so far, each followed by a read of the stored state (which dropped any change made in memory).
    private int _reloads;
    private Exception? _lastFailure;

    /// <param name="state">The household's state.</param>
    /// <param name="summary">The summary of the state as it is now (null while the household has no profile).</param>
    /// <param name="district">The district grain of an id.</param>
    /// <param name="unreadable">Drops the activation: a failed write could not even read the state back.</param>
    /// <param name="failedBehind">Told of a write or summary behind that failed (the ledger delivers its events again).</param>
    /// <param name="writeBehind">Longest a finished visit waits in memory for the state write (<see cref="HouseholdOptions.WriteBehind"/>).</param>
    /// <param name="time">The clock of that interval.</param>
    /// <param name="gate">The process's writes behind: a write nobody waits for takes its turn there.</param>
    public HouseholdCommit(
        IPersistentState<HouseholdState> state,
        Func<HouseholdSummary?> summary,
        Func<string, IDistrictGrain> district,
        Action unreadable,
        Action<Exception> failedBehind,
        TimeSpan writeBehind,
        TimeProvider time,
        WriteBehindGate gate)
    {
        _gate = gate;
        _state = state;
        _summary = summary;
        _district = district;
        _unreadable = unreadable;
        _failedBehind = failedBehind;
        _writes = new GroupCommit(WriteStateAsync, writeBehind, time, delayFirst: true, stopping: gate.Stopping);
        _publishes = new GroupCommit(SendSummaryAsync);
    }

    private LedgerPositions Applied => _state.State.Ledger;

    /// <summary>
    /// After the activation read the state: what it holds of the ledger is stored; whether the district stored the summary
    /// made from it is not known (a previous activation may have died first), so the ledger's lane waits for one.
    /// </summary>
    public void Loaded()
    {
        _stored = new Dictionary<int, long>(Applied.Applied);
        _changed = new Dictionary<int, long>(Applied.Applied);
    }

    /// <summary>Of one partition: what the household holds, and what of it is stored with its summary at the district.</summary>
    public LedgerProgress Progress(int partition)
    {
        var applied = Applied.Of(partition);
        var stored = Math.Min(_stored.GetValueOrDefault(partition), _published.GetValueOrDefault(partition));
        // Events after the last change (a certification, say) changed nothing a write or a summary would hold.
        return new LedgerProgress(applied, stored >= Needed(partition) ? applied : Math.Min(applied, stored));
    }

    /// <summary>A ledger event changed the household: the state and the summary must hold it before the lane lets it go.</summary>
    public void Changed(LedgerEvent e)
    {
        _changed[e.Partition] = Math.Max(Needed(e.Partition), e.Seq);
        _dirty = true;
    }

    /// <summary>A coordinator's change: written now; throws when storage did not take it (memory then holds what storage holds).</summary>
    public async Task WriteAsync()
    {
        var reloads = _reloads;
        _dirty = true;
        await _writes.CommitAsync();
        if (_reloads != reloads)
        {
            // A write in flight when the change was made failed and re-read the state: the change is gone from memory too.
            throw new InvalidOperationException("The household's state was read back after a failed write; the change was not stored.", _lastFailure);
        }
    }

    /// <summary>A change from the ledger: written within the write-behind interval.</summary>
    public void WriteLater() => _ = ObserveAsync(_writes.CommitLaterAsync());

    /// <summary>A coordinator's change: the district stores the summary now; completes once it did.</summary>
    public Task PublishAsync()
    {
        _urgent = true;
        return _publishes.CommitAsync();
    }

    /// <summary>A change from the ledger: the summary goes now, and the district stores it with its next write.</summary>
    public void PublishLater() => _ = ObserveAsync(_publishes.CommitAsync());

    /// <summary>Completes once the state and the district's summary hold what the household holds of the partition (or a write failed).</summary>
    public async Task<LedgerProgress> StoredAsync(int partition)
    {
        if (_stored.GetValueOrDefault(partition) < Needed(partition))
        {
            await _writes.CommitLaterAsync();
        }

        var needed = Needed(partition);
        if (_published.GetValueOrDefault(partition) < needed)
        {
            if (_behind is not { } sent || sent.Positions.GetValueOrDefault(partition) < needed)
            {
                // No summary this new was sent to be stored (or the district lost it): one goes now.
                await _publishes.CommitAsync();
            }

            if (_behind is { } behind && _published.GetValueOrDefault(partition) < behind.Positions.GetValueOrDefault(partition))
            {
                if (await _district(behind.District).SummaryStored(behind.Ticket))
                {
                    Raise(_published, behind.Positions);
                }
                else if (_behind == behind)
                {
                    // The district was activated again and never had it: the next call sends the summary again.
                    _behind = null;
                }
            }
        }

        return Progress(partition);
    }

    /// <summary>Before the activation goes: what the ledger gave it is written (else the ledger delivers it again).</summary>
    public async Task DrainAsync()
    {
        if (_changed.Any(p => _stored.GetValueOrDefault(p.Key) < p.Value))
        {
            await _writes.CommitAsync();
        }
    }

    private async Task WriteStateAsync()
    {
        if (!_dirty)
        {
            return;
        }

        // A write behind takes its turn among the process's writes behind; changes made meanwhile go with it.
        using var slot = await _gate.EnterAsync(_writes);

        // The positions as the write takes the state (no await in between): what it stores.
        var positions = new Dictionary<int, long>(Applied.Applied);
        _dirty = false;
        try
        {
            await _state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            _reloads++;
            _lastFailure = ex;
            try
            {
                await _state.ReadStateAsync();
                Loaded();
                // The district may hold a summary of what was just dropped: it gets the stored one.
                _published = [];
                _behind = null;
                PublishLater();
            }
            catch
            {
                _unreadable();
            }

            throw;
        }

        Raise(_stored, positions);
    }

    private async Task SendSummaryAsync()
    {
        var urgent = _urgent;
        _urgent = false;
        var positions = new Dictionary<int, long>(Applied.Applied);
        if (_summary() is not { } summary)
        {
            Raise(_published, positions);
            return;
        }

        var district = _district(summary.DistrictId);
        if (urgent)
        {
            await district.UpsertHousehold(summary);
            Raise(_published, positions);
            return;
        }

        var ticket = await district.UpsertHouseholdBehind(summary);
        _behind = (summary.DistrictId, ticket, positions);
    }

    private async Task ObserveAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex)
        {
            _failedBehind(ex);
        }
    }

    private long Needed(int partition) => _changed.GetValueOrDefault(partition);

    private static void Raise(Dictionary<int, long> positions, Dictionary<int, long> by)
    {
        foreach (var (partition, seq) in by)
        {
            if (positions.GetValueOrDefault(partition) < seq)
            {
                positions[partition] = seq;
            }
        }
    }
}
