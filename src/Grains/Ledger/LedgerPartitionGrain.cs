using System.Diagnostics;
using Boai.Orleans.Certification;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Orders;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Boai.Orleans.Ledger;

/// <summary>
/// The writer of one ledger partition. Appends that arrive while a transaction is in flight go together in the next
/// one (up to <see cref="AzureTableVisitLog.MaxEventsPerAppend"/>), so a phone waits for one storage request however
/// busy the partition. Committed events then go to their projections, each projection (one volunteer, household,
/// district, district's certification queue or order) on its own lane: a lane sends its events in log order, one call in flight, and lanes do not wait
/// for each other, so a district's live events never queue behind a household's write, and the partition goes on
/// appending while projections apply. A call that fails is sent again; the cursor (stored with the next append) moves
/// only past events every lane has delivered and, for a district, that the district has stored. On activation the
/// partition reads its tail from the cursor and delivers it: a silo that died between an append and its projections
/// loses nothing.
/// <para>
/// A district's or household's lane does not wait for their write (<see cref="ILedgerProjection"/>): the district
/// applies the events in memory and sends their live events at once, and stores them with its next write, at most one
/// per flush interval; the household applies them, sends its summary, and writes its state behind. The lane keeps
/// delivered events as unstored until the projection says it stored them (<see cref="ILedgerProjection.Stored"/>,
/// asked by a second loop of the lane, so new events never queue behind a write); a new activation that lost them
/// says it holds less than the lane gave it, and the lane sends them again.
/// </para>
/// </summary>
[Reentrant]
public sealed partial class LedgerPartitionGrain(IVisitLog log, ILogger<LedgerPartitionGrain> logger) : Grain, ILedgerPartitionGrain, IRemindable
{
    private const string CatchUpReminder = "ledger-catch-up";

    // One projection call carries at most this many events (a busy volunteer's or district's backlog goes in pieces).
    private const int MaxEventsPerDelivery = 100;

    private static readonly TimeSpan AppendCursorEvery = TimeSpan.FromMilliseconds(250);

    private readonly List<PendingAppend> _queue = [];
    private readonly Dictionary<Projection, LedgerLane> _lanes = [];
    private readonly List<TaskCompletionSource<long>> _deliveredWaiters = [];

    // Lanes given events by the last dispatch and not running: started right after it, without a pass over every lane.
    private readonly List<(Projection Projection, LedgerLane Lane)> _touched = [];
    private long _head;

    // The cursor as an append last worked it out, and when (Stopwatch ticks): see AppendCursor.
    private long _appendCursor;
    private long _appendCursorAt;

    // The cursor row's version this writer read or last wrote: every append expects it (another writer's append moves it).
    private LedgerVersion _version;

    // Appends this activation sent, whatever came of them: a tail read that an append overtook must not put its older
    // head and version back, nor mark the tail known after an append whose outcome is unknown (it may have landed).
    private long _appends;

    // The highest sequence handed to the lanes; every event up to it is either delivered or waiting in a lane.
    private long _dispatched;
    private bool _tailKnown;
    private bool _writing;

    // A lane's loop gave up after failures: the next append starts every lane again, not only those it gave events.
    private bool _stalled;

    private int Partition => (int)this.GetPrimaryKeyLong();

    /// <summary>Every event up to here reached all its projections: the oldest event still waiting in a lane, less one.</summary>
    private long Cursor
    {
        get
        {
            var cursor = _dispatched;
            foreach (var lane in _lanes.Values)
            {
                if (lane.Oldest is { } oldest)
                {
                    cursor = Math.Min(cursor, oldest - 1);
                }
            }

            return cursor;
        }
    }

    /// <summary>
    /// The cursor an append stores: <see cref="Cursor"/>, worked out at most every <see cref="AppendCursorEvery"/> (it
    /// passes over every lane, and a busy partition has thousands, each append). An older value is never ahead of the
    /// true one (a lane only ever takes events past what was dispatched), and a cursor behind only means that an
    /// activation after a crash hands a few more events again, which their projections apply once.
    /// </summary>
    private long AppendCursor
    {
        get
        {
            var now = Stopwatch.GetTimestamp();
            if (_lanes.Count == 0 || Stopwatch.GetElapsedTime(_appendCursorAt, now) >= AppendCursorEvery)
            {
                _appendCursor = Cursor;
                _appendCursorAt = now;
            }

            return _appendCursor;
        }
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadTailAsync(cancellationToken);
        // A partition left with undelivered events by a dead silo is woken by this reminder if nobody appends to it.
        await this.RegisterOrUpdateReminder(CatchUpReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), cancellationToken);
        StartDelivery();
    }

    public Task<AppendResult> Append(VisitStep step, VisitRecord visit, AuditEntry? audit = null)
    {
        var pending = new PendingAppend(step, visit, audit, new TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Add(pending);
        if (!_writing)
        {
            _ = WriteLoopAsync();
        }

        return pending.Done.Task;
    }

    public async Task Wake()
    {
        await EnsureTailAsync();
        StartDelivery();
    }

    public async Task<long> Delivered(CancellationToken cancellationToken = default)
    {
        await EnsureTailAsync();
        if (_lanes.Count == 0)
        {
            return Cursor;
        }

        var waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _deliveredWaiters.Add(waiter);
        StartDelivery();
        // A waiter given up stays in the list until the lanes are done (then completed unobserved).
        return await waiter.Task.WaitAsync(cancellationToken);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Wake();

    /// <summary>After an append whose outcome is unknown, storage's tail tells what landed (and is then delivered).</summary>
    private Task EnsureTailAsync() => _tailKnown || _writing ? Task.CompletedTask : LoadTailAsync();

    private async Task LoadTailAsync(CancellationToken cancellationToken = default)
    {
        var appends = _appends;
        var tail = await log.ReadTailAsync(Partition, cancellationToken);
        if (appends != _appends)
        {
            // An append was sent while this read was out: it committed (its head and version are newer than the read's),
            // or it failed and may have landed, and the write loop reads the tail again before its next append.
            Dispatch(tail.Events);
            return;
        }

        _head = tail.Head;
        _version = tail.Version;
        _dispatched = Math.Max(_dispatched, tail.Cursor);
        Dispatch(tail.Events);
        _tailKnown = true;
    }

    private async Task WriteLoopAsync()
    {
        _writing = true;
        try
        {
            while (_queue.Count > 0)
            {
                if (!_tailKnown)
                {
                    try
                    {
                        // After a failed transaction nobody knows whether it landed: storage says what the head is.
                        await LoadTailAsync();
                        StartDelivery();
                    }
                    catch (Exception ex)
                    {
                        FailAll(_queue, ex);
                        _queue.Clear();
                        break;
                    }
                }

                // As many as one transaction carries: its entity count, and its log row's and request's sizes for long notes.
                var events = _queue.Take(AzureTableVisitLog.MaxEventsPerAppend).Select((p, i) => new LedgerEvent(Partition, _head + 1 + i, p.Step, p.Visit)).ToList();
                events = events[..AzureTableVisitLog.Fitting(events, out var jsons)];
                var batch = _queue.GetRange(0, events.Count);
                _queue.RemoveRange(0, batch.Count);
                var sentAt = Stopwatch.GetTimestamp();
                foreach (var p in batch)
                {
                    Telemetry.LedgerAppendQueued(p.Queued, sentAt);
                }

                try
                {
                    _appends++;
                    _version = await log.AppendAsync(Partition, events, AppendCursor, _version, batch.ConvertAll(p => p.Audit), jsons);
                    _head = events[^1].Seq;
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Done.TrySetResult(new AppendResult(events[i], AlreadyStored: false));
                    }

                    Dispatch(events);
                    StartTouched();
                }
                catch (LedgerStepExistsException exists)
                {
                    // Nothing of the transaction was written: that step is answered with what is stored, the rest goes again.
                    var index = batch.FindIndex(p => p.Visit.Key == exists.Event.Visit.Key);
                    if (index < 0)
                    {
                        _tailKnown = false;
                        FailAll(batch, exists);
                        continue;
                    }

                    batch[index].Done.TrySetResult(new AppendResult(exists.Event, AlreadyStored: true));
                    batch.RemoveAt(index);
                    _queue.InsertRange(0, batch);
                }
                catch (LedgerFencedException ex)
                {
                    // Another activation of this partition appended: this one goes, and its callers retry against that one.
                    Log.Fenced(logger, ex, batch.Count, Partition);
                    _tailKnown = false;
                    FailAll(batch, ex);
                    this.DeactivateOnIdle();
                }
                catch (Exception ex)
                {
                    Log.AppendFailed(logger, ex, batch.Count, Partition);
                    _tailKnown = false;
                    FailAll(batch, ex);
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }

    /// <summary>Hands committed events not yet handed out to the lanes of their projections, in log order.</summary>
    private void Dispatch(IEnumerable<LedgerEvent> events)
    {
        foreach (var e in events)
        {
            if (e.Seq <= _dispatched)
            {
                continue;
            }

            Enqueue(new Projection(ProjectionKind.Volunteer, e.Visit.VolunteerId), e);
            Enqueue(new Projection(ProjectionKind.District, e.Visit.DistrictId), e);
            if (e.Visit.Finished)
            {
                Enqueue(new Projection(ProjectionKind.Household, e.Visit.HouseholdId), e);
                // The certification queue's count (待认证) follows every finished visit's steps.
                Enqueue(new Projection(ProjectionKind.PendingQueue, e.Visit.DistrictId), e);
            }

            if (e.Step == VisitStep.CheckedOut)
            {
                foreach (var orderId in e.Visit.OrderIds)
                {
                    Enqueue(new Projection(ProjectionKind.Order, orderId), e);
                }
            }

            _dispatched = e.Seq;
        }
    }

    private void Enqueue(Projection projection, LedgerEvent e)
    {
        if (!_lanes.TryGetValue(projection, out var lane))
        {
            lane = new LedgerLane();
            _lanes[projection] = lane;
        }

        lane.Add(e);
        if (!lane.Running)
        {
            _touched.Add((projection, lane));
        }
    }

    /// <summary>Starts the lanes the last dispatch gave events to (after an append: the other lanes have nothing new).</summary>
    private void StartTouched()
    {
        if (_stalled)
        {
            // A lane gave up (storage was failing): every lane is looked at again, as after a wake-up.
            StartDelivery();
            return;
        }

        foreach (var (projection, lane) in _touched)
        {
            StartDelivering(projection, lane);
        }

        _touched.Clear();
    }

    /// <summary>Starts every lane that has events and is not running (after new events, a wake-up, or a lane that gave up).</summary>
    private void StartDelivery()
    {
        _touched.Clear();
        _stalled = false;
        // A copy: a lane that finishes removes itself from the dictionary.
        foreach (var (projection, lane) in _lanes.ToList())
        {
            StartDelivering(projection, lane);
            StartConfirming(projection, lane);
        }
    }

    private void StartDelivering(Projection projection, LedgerLane lane)
    {
        if (!lane.Running && lane.HasEvents)
        {
            lane.Running = true;
            _ = DeliverLaneAsync(projection, lane);
        }
    }

    private void StartConfirming(Projection projection, LedgerLane lane)
    {
        if (!lane.Confirming && lane.HasUnstored)
        {
            lane.Confirming = true;
            _ = ConfirmLaneAsync(projection, lane);
        }
    }

    /// <summary>A confirming projection's lane: asks until it has stored what it was given, one call in flight.</summary>
    private async Task ConfirmLaneAsync(Projection projection, LedgerLane lane)
    {
        try
        {
            var failures = 0;
            while (lane.HasUnstored)
            {
                var last = lane.Given;
                try
                {
                    var progress = await Confirming(projection, lane).Stored(Partition);
                    failures = 0;
                    Confirmed(projection, lane, progress, last);
                }
                catch (Exception ex)
                {
                    Log.DeliveryFailed(logger, ex, lane.UnstoredCount, Partition, projection.Kind, projection.Id);
                    if (++failures >= 5)
                    {
                        _stalled = true;
                        return;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(200 * failures));
                }
            }

            LaneDone(projection, lane);
        }
        finally
        {
            lane.Confirming = false;
        }
    }

    /// <summary>
    /// What a confirming projection said it holds and stored: stored events leave the lane; if it holds less than it was given
    /// (up to <paramref name="given"/>), it lost them with an activation, and they go back to be delivered again, first.
    /// </summary>
    private void Confirmed(Projection projection, LedgerLane lane, LedgerProgress progress, long given)
    {
        var lost = lane.UnstoredCount;
        if (lane.Confirmed(progress, given))
        {
            Log.Redelivering(logger, lost, Partition, projection.Kind, projection.Id);
            StartDelivery();
        }
    }

    /// <summary>A lane with nothing left to deliver or confirm goes; waiters for "everything delivered" are told.</summary>
    private void LaneDone(Projection projection, LedgerLane lane)
    {
        if (!lane.Idle || !_lanes.TryGetValue(projection, out var current) || current != lane)
        {
            return;
        }

        _lanes.Remove(projection);
        if (_lanes.Count == 0)
        {
            foreach (var waiter in _deliveredWaiters)
            {
                waiter.TrySetResult(Cursor);
            }

            _deliveredWaiters.Clear();
        }
    }

    private async Task DeliverLaneAsync(Projection projection, LedgerLane lane)
    {
        try
        {
            var failures = 0;
            while (lane.HasEvents)
            {
                var wave = lane.NextWave(MaxEventsPerDelivery);
                try
                {
                    if (Confirms(projection.Kind))
                    {
                        var given = lane.Given;
                        var progress = await Confirming(projection, lane).Project(wave, given);
                        failures = 0;
                        if (progress.Applied < given)
                        {
                            // Nothing of the wave was applied: what was lost goes first, then the wave again.
                            Confirmed(projection, lane, progress, given);
                            continue;
                        }

                        // By sequence: while the call was out, the other loop may have put lost events back in front.
                        lane.Projected(wave);
                        Confirmed(projection, lane, progress, wave[^1].Seq);
                        StartConfirming(projection, lane);
                        continue;
                    }

                    await DeliverAsync(projection, lane, wave);
                    failures = 0;
                }
                catch (Exception ex)
                {
                    Log.DeliveryFailed(logger, ex, wave.Count, Partition, projection.Kind, projection.Id);
                    if (++failures >= 5)
                    {
                        // The reminder (or the next append) starts it again: no loop spinning against a storage outage.
                        _stalled = true;
                        return;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(200 * failures));
                    continue;
                }

                lane.Delivered(wave);
            }

            LaneDone(projection, lane);
        }
        finally
        {
            lane.Running = false;
        }
    }

    /// <summary>
    /// One call to one projection that does not confirm (see <see cref="DeliverLaneAsync"/>) with its events in log order; it
    /// completes once the projection holds them (the volunteer and the certification queue in memory: they catch up
    /// from the ledger when they activate; the others stored). A projection applies an event at most once (<see cref="LedgerPositions"/>), so a call sent again changes
    /// nothing it already holds.
    /// </summary>
    private async Task DeliverAsync(Projection projection, LedgerLane lane, List<LedgerEvent> events)
    {
        switch (projection.Kind)
        {
            case ProjectionKind.Volunteer:
                await ((IVolunteerGrain)(lane.Target ??= GrainFactory.GetGrain<IVolunteerGrain>(projection.Id))).Apply(events);
                break;
            case ProjectionKind.PendingQueue:
                await ((IPendingQueueGrain)(lane.Target ??= GrainFactory.GetGrain<IPendingQueueGrain>(projection.Id))).Apply(events);
                break;
            case ProjectionKind.Order:
                foreach (var e in events)
                {
                    await GrainFactory.GetGrain<IOrderGrain>(projection.Id).Completed(e.Visit.VisitId, e.Visit.VolunteerId, e.Visit.CheckedOutAt!.Value);
                }

                break;
        }
    }

    /// <summary>Projections that apply in memory and store behind: their lanes keep delivered events until they say stored.</summary>
    private static bool Confirms(ProjectionKind kind) => kind is ProjectionKind.District or ProjectionKind.Household;

    private ILedgerProjection Confirming(Projection projection, LedgerLane lane) => (ILedgerProjection)(lane.Target ??= projection.Kind switch
    {
        ProjectionKind.District => GrainFactory.GetGrain<IDistrictGrain>(projection.Id),
        ProjectionKind.Household => GrainFactory.GetGrain<IHouseholdGrain>(projection.Id),
        _ => throw new ArgumentOutOfRangeException(nameof(projection), projection.Kind, "not a confirming projection"),
    });

    private static void FailAll(IEnumerable<PendingAppend> appends, Exception ex)
    {
        foreach (var p in appends)
        {
            p.Done.TrySetException(ex);
        }
    }

    private sealed record PendingAppend(VisitStep Step, VisitRecord Visit, AuditEntry? Audit, TaskCompletionSource<AppendResult> Done)
    {
        /// <summary>When the step arrived (<see cref="Stopwatch.GetTimestamp"/>): its wait for the transaction in flight is a metric.</summary>
        public long Queued { get; } = Stopwatch.GetTimestamp();
    }

    private enum ProjectionKind
    {
        Volunteer,
        Household,
        District,
        PendingQueue,
        Order,
    }

    private readonly record struct Projection(ProjectionKind Kind, string Id);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Ledger append of {Count} events to partition {Partition} failed")]
        public static partial void AppendFailed(ILogger logger, Exception exception, int count, int partition);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Ledger append of {Count} events to partition {Partition} was refused: another activation of the partition appended since this one read its tail; deactivating")]
        public static partial void Fenced(ILogger logger, Exception exception, int count, int partition);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{Kind} {Id} lost {Count} unstored events of ledger partition {Partition} (a new activation or a failed write); delivering them again")]
        public static partial void Redelivering(ILogger logger, int count, int partition, ProjectionKind kind, string id);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Delivering {Count} ledger events of partition {Partition} to {Kind} {Id} failed")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception, int count, int partition, ProjectionKind kind, string id);
    }
}
