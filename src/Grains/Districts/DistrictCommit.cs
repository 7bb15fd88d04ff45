using System.Collections.Immutable;
using Boai.Orleans.Ledger;
using Boai.Orleans.Live;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Districts;

/// <summary>
/// How a district's changes leave it, on two paths that do not wait for each other.
/// <para>
/// Live events: as soon as a change is applied in memory, from one outbox, one publish in flight, so they keep the
/// order the changes were made in across all sources (a household's <c>needUncovered</c> before its
/// <c>suggestionsReady</c>, a visit's <c>visitCheckedIn</c> before its <c>visitCheckedOut</c>). They do not wait for the
/// district's write because what they say is already stored elsewhere: visit events come from committed ledger
/// events, household and volunteer summaries from those grains' stored state.
/// </para>
/// <para>
/// Rows: <see cref="CommitAsync"/> for an update someone waits for (written at once, coalesced with whatever else is
/// pending); <see cref="StoreLater"/> for ledger events, written at most once per <see cref="DistrictOptions.FlushInterval"/>.
/// The ledger partition keeps such events until <see cref="Progress"/> says they are stored, and sends them again to a
/// new activation that lost them, so nothing acknowledged relies on the district's memory.
/// </para>
/// <para>
/// A crash between the two: a watcher has seen an event the district had not stored. The ledger delivers it again to
/// the next activation, which applies it once more (its stored positions are behind) and sends its live event again:
/// after a crash a watcher may see an event twice, never miss one. The page keeps one feed entry per visit and step and
/// takes summaries as replacements, so a repeat changes nothing it shows.
/// </para>
/// </summary>
internal sealed class DistrictCommit
{
    private readonly IDistrictStore _store;
    private readonly List<LiveEvent> _outbox;
    private readonly LedgerPositions _applied;
    private readonly Func<LiveEvent?> _summary;
    private readonly Func<ImmutableArray<LiveEvent>, Task> _publish;
    private readonly Action<Exception> _storeFailed;
    private readonly GroupCommit _rows;
    private readonly GroupCommit _events;
    private readonly GroupCommit _summaries;
    private readonly WriteBehindGate _gate;
    private Dictionary<int, long> _stored = [];

    // Summaries written behind: this activation's id, how many it took, and how many of them are stored.
    private readonly Guid _activation = Guid.NewGuid();
    private long _changes;
    private long _storedChanges;

    /// <param name="store">The district's rows.</param>
    /// <param name="outbox">The district's live events in the order its changes made them.</param>
    /// <param name="applied">What the district holds of each ledger partition.</param>
    /// <param name="summary">The summary's event when it changed since the last one sent, else null.</param>
    /// <param name="publish">Sends events; handles its own failures (the change is not undone by a lost event).</param>
    /// <param name="storeFailed">Told of a write behind that failed (its rows stay pending), and of any write refused because a newer activation took the district's lease.</param>
    /// <param name="flushInterval">Shortest time between two writes behind (<see cref="DistrictOptions.FlushInterval"/>).</param>
    /// <param name="summaryEvery">Shortest time between two summaries sent (<see cref="DistrictOptions.SummaryEvery"/>).</param>
    /// <param name="time">The clock of those intervals.</param>
    /// <param name="gate">The process's writes behind: a write nobody waits for takes its turn there.</param>
    public DistrictCommit(
        IDistrictStore store,
        List<LiveEvent> outbox,
        LedgerPositions applied,
        Func<LiveEvent?> summary,
        Func<ImmutableArray<LiveEvent>, Task> publish,
        Action<Exception> storeFailed,
        TimeSpan flushInterval,
        TimeSpan summaryEvery,
        TimeProvider time,
        WriteBehindGate gate)
    {
        _gate = gate;
        _store = store;
        _outbox = outbox;
        _applied = applied;
        _summary = summary;
        _publish = publish;
        _storeFailed = storeFailed;
        _rows = new GroupCommit(WriteAsync, flushInterval, time, stopping: gate.Stopping);
        _events = new GroupCommit(SendAsync);
        _summaries = new GroupCommit(SendSummaryAsync, summaryEvery, time, stopping: gate.Stopping);
    }

    /// <summary>After the activation read the rows: what it holds of the ledger is stored.</summary>
    public void Loaded() => _stored = new Dictionary<int, long>(_applied.Applied);

    /// <summary>Of one ledger partition: what the district holds, and what of it is stored.</summary>
    public LedgerProgress Progress(int partition) => new(_applied.Of(partition), _stored.GetValueOrDefault(partition));

    /// <summary>Sends the change's live events now and completes once its rows are stored.</summary>
    public Task CommitAsync()
    {
        Send();
        return _rows.CommitAsync();
    }

    /// <summary>
    /// Sends the change's live events now; its rows go with the next write, within the flush interval. The ticket
    /// says which write holds it (<see cref="StoredAsync(SummaryTicket)"/>).
    /// </summary>
    public SummaryTicket StoreLater()
    {
        Send();
        _changes++;
        _ = ObserveAsync(_rows.CommitLaterAsync());
        return new SummaryTicket(_activation, _changes);
    }

    /// <summary>True once the change of <paramref name="ticket"/> is stored; false when another activation took it (and this one never had it).</summary>
    public async Task<bool> StoredAsync(SummaryTicket ticket)
    {
        if (ticket.Activation != _activation)
        {
            return false;
        }

        while (_storedChanges < ticket.Change)
        {
            await _rows.CommitLaterAsync();
        }

        return true;
    }

    /// <summary>Completes once everything applied of the partition so far is stored.</summary>
    public async Task<LedgerProgress> StoredAsync(int partition)
    {
        if (_stored.GetValueOrDefault(partition) < _applied.Of(partition))
        {
            await _rows.CommitLaterAsync();
        }

        return Progress(partition);
    }

    /// <summary>Everything pending, rows and events, before the activation goes.</summary>
    public Task DrainAsync() => Task.WhenAll(_summaries.CommitAsync(), _events.CommitAsync(), _rows.CommitAsync());

    /// <summary>
    /// The outbox goes out with the next send; one send in flight keeps the order. The summary follows, at most once
    /// per <see cref="DistrictOptions.SummaryEvery"/>: it replaces the one before, and under load a summary a send was a
    /// message to every watcher per delivery.
    /// </summary>
    public void Send()
    {
        _ = _events.CommitAsync();
        _ = _summaries.CommitLaterAsync();
    }

    private async Task WriteAsync()
    {
        // A write behind with rows to write takes its turn among the process's writes behind; changes made meanwhile go
        // with it.
        using var slot = _store.HasChanges ? await _gate.EnterAsync(_rows) : default;

        // The positions as the flush takes its rows (no await in between): what the write stores.
        var positions = new Dictionary<int, long>(_applied.Applied);
        var changes = _changes;
        if (_store.HasChanges)
        {
            Telemetry.DistrictFlush();
            try
            {
                await _store.FlushAsync();
            }
            catch (DistrictStoreFencedException ex)
            {
                // Whoever waits for this write gets the exception too; the grain is told once, to go.
                _storeFailed(ex);
                throw;
            }
        }

        _stored = positions;
        _storedChanges = Math.Max(_storedChanges, changes);
    }

    /// <summary>The summary as it is now, when it changed, behind every event already in the outbox.</summary>
    private Task SendSummaryAsync()
    {
        if (_summary() is { } summary)
        {
            _outbox.Add(summary);
            return _events.CommitAsync();
        }

        return Task.CompletedTask;
    }

    private async Task SendAsync()
    {
        if (_outbox.Count == 0)
        {
            return;
        }

        var events = _outbox.ToImmutableArray();
        _outbox.Clear();
        await _publish(events);
    }

    private async Task ObserveAsync(Task write)
    {
        try
        {
            await write;
        }
        catch (Exception ex) when (ex is not DistrictStoreFencedException)
        {
            // The rows stay pending; the ledger lane asks again (Stored) and keeps the events until they are written.
            _storeFailed(ex);
        }
        catch (DistrictStoreFencedException)
        {
            // Told in WriteAsync: the activation goes, and the lane delivers what it held to the one that took the lease.
        }
    }
}
