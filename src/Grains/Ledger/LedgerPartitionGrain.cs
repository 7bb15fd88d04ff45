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
/// busy the partition. Committed events then go to their projections in waves, one wave at a time, so each projection
/// receives its events in log order; a wave that fails is sent again, and the cursor (stored with the next append)
/// moves only past events every projection has stored. On activation the partition reads its tail from the cursor
/// and delivers it: a silo that died between an append and its projections loses nothing.
/// </summary>
[Reentrant]
public sealed partial class LedgerPartitionGrain(IVisitLog log, ILogger<LedgerPartitionGrain> logger) : Grain, ILedgerPartitionGrain, IRemindable
{
    private const string CatchUpReminder = "ledger-catch-up";
    private readonly List<PendingAppend> _queue = [];
    private readonly List<LedgerEvent> _undelivered = [];
    private readonly List<TaskCompletionSource<long>> _deliveredWaiters = [];
    private long _head;
    private long _cursor;
    private bool _tailKnown;
    private bool _writing;
    private bool _delivering;

    private int Partition => (int)this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadTailAsync(cancellationToken);
        // A partition left with undelivered events by a dead silo is woken by this reminder if nobody appends to it.
        await this.RegisterOrUpdateReminder(CatchUpReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), cancellationToken);
        StartDelivery();
    }

    public Task<AppendResult> Append(VisitStep step, VisitRecord visit)
    {
        var pending = new PendingAppend(step, visit, new TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
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

    public async Task<long> Delivered()
    {
        await EnsureTailAsync();
        if (_undelivered.Count == 0)
        {
            return _cursor;
        }

        var waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _deliveredWaiters.Add(waiter);
        StartDelivery();
        return await waiter.Task;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Wake();

    /// <summary>After an append whose outcome is unknown, storage's tail tells what landed (and is then delivered).</summary>
    private Task EnsureTailAsync() => _tailKnown || _writing ? Task.CompletedTask : LoadTailAsync();

    private async Task LoadTailAsync(CancellationToken cancellationToken = default)
    {
        var tail = await log.ReadTailAsync(Partition, cancellationToken);
        _head = tail.Head;
        _cursor = Math.Max(_cursor, tail.Cursor);
        var known = _undelivered.Count == 0 ? _cursor : _undelivered[^1].Seq;
        _undelivered.AddRange(tail.Events.Where(e => e.Seq > known));
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

                var batch = _queue.Take(AzureTableVisitLog.MaxEventsPerAppend).ToList();
                _queue.RemoveRange(0, batch.Count);
                var events = batch.Select((p, i) => new LedgerEvent(Partition, _head + 1 + i, p.Step, p.Visit)).ToList();
                try
                {
                    await log.AppendAsync(Partition, events, _cursor);
                    _head = events[^1].Seq;
                    _undelivered.AddRange(events);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Done.TrySetResult(new AppendResult(events[i], AlreadyStored: false));
                    }

                    StartDelivery();
                }
                catch (LedgerStepExistsException exists)
                {
                    // Nothing of the transaction was written: that step is answered with what is stored, the rest goes again.
                    var index = batch.FindIndex(p => p.Visit.VisitId == exists.Event.Visit.VisitId);
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

    private void StartDelivery()
    {
        if (!_delivering && _undelivered.Count > 0)
        {
            _ = DeliverLoopAsync();
        }
    }

    private async Task DeliverLoopAsync()
    {
        _delivering = true;
        try
        {
            var failures = 0;
            while (_undelivered.Count > 0)
            {
                var wave = _undelivered.ToList();
                try
                {
                    await DeliverAsync(wave);
                    failures = 0;
                }
                catch (Exception ex)
                {
                    Log.DeliveryFailed(logger, ex, wave.Count, Partition);
                    if (++failures >= 5)
                    {
                        // The reminder (or the next append) starts again: no loop spinning against a storage outage.
                        return;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(200 * failures));
                    continue;
                }

                _undelivered.RemoveRange(0, wave.Count);
                _cursor = wave[^1].Seq;
            }

            foreach (var waiter in _deliveredWaiters)
            {
                waiter.TrySetResult(_cursor);
            }

            _deliveredWaiters.Clear();
        }
        finally
        {
            _delivering = false;
        }
    }

    /// <summary>
    /// One wave: each projection gets its events of the wave in log order in one call, and every call completes only
    /// once that projection has stored them. A projection applies an event at most once (<see cref="LedgerPositions"/>),
    /// so a wave sent again changes nothing it already holds.
    /// </summary>
    private Task DeliverAsync(List<LedgerEvent> wave)
    {
        var calls = new List<Task>();
        foreach (var group in wave.GroupBy(e => e.Visit.VolunteerId, StringComparer.Ordinal))
        {
            calls.Add(GrainFactory.GetGrain<IVolunteerGrain>(group.Key).Apply([.. group]));
        }

        foreach (var group in wave.Where(e => e.Visit.Finished).GroupBy(e => e.Visit.HouseholdId, StringComparer.Ordinal))
        {
            calls.Add(GrainFactory.GetGrain<IHouseholdGrain>(group.Key).Apply([.. group]));
        }

        foreach (var group in wave.GroupBy(e => e.Visit.DistrictId, StringComparer.Ordinal))
        {
            calls.Add(GrainFactory.GetGrain<IDistrictGrain>(group.Key).Apply([.. group]));
        }

        // The certification queue's count (待认证) follows every finished visit's steps.
        foreach (var group in wave.Where(e => e.Visit.Finished).GroupBy(e => e.Visit.DistrictId, StringComparer.Ordinal))
        {
            calls.Add(GrainFactory.GetGrain<IPendingQueueGrain>(group.Key).Apply([.. group]));
        }

        foreach (var e in wave.Where(e => e.Step == VisitStep.CheckedOut))
        {
            foreach (var orderId in e.Visit.OrderIds)
            {
                calls.Add(GrainFactory.GetGrain<IOrderGrain>(orderId).Completed(e.Visit.VisitId, e.Visit.VolunteerId, e.Visit.CheckedOutAt!.Value));
            }
        }

        return Task.WhenAll(calls);
    }

    private static void FailAll(IEnumerable<PendingAppend> appends, Exception ex)
    {
        foreach (var p in appends)
        {
            p.Done.TrySetException(ex);
        }
    }

    private sealed record PendingAppend(VisitStep Step, VisitRecord Visit, TaskCompletionSource<AppendResult> Done);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Ledger append of {Count} events to partition {Partition} failed")]
        public static partial void AppendFailed(ILogger logger, Exception exception, int count, int partition);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Delivering {Count} ledger events of partition {Partition} to their projections failed")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception, int count, int partition);
    }
}
