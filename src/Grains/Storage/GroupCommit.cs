namespace Boai.Orleans.Storage;

/// <summary>
/// One write in flight, the rest coalesced: a caller makes its change in memory, then awaits <see cref="CommitAsync"/>,
/// which completes once a write that includes the change has succeeded. Calls arriving while a write is in flight
/// share the next write. Made for reentrant grains (one thread at a time), where overlapping writes would break ETags.
/// With a <c>minInterval</c>, a write asked for by <see cref="CommitLaterAsync"/> starts no sooner than that long after
/// the previous one started, so a busy owner writes at most once per interval; a <see cref="CommitAsync"/> (someone
/// waits for it) cuts that wait short. With <c>delayFirst</c> such a write also waits that long after it was first
/// asked for, so an owner that changes seldom (a household's visits) still gathers what comes within the interval.
/// Once <c>stopping</c> is cancelled (the process stops: <see cref="WriteBehindGate.Stopping"/>), every write is one
/// someone waits for: it goes at once, the interval cut short.
/// </summary>
public sealed class GroupCommit(
    Func<Task> write,
    TimeSpan minInterval = default,
    TimeProvider? time = null,
    bool delayFirst = false,
    CancellationToken stopping = default)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private TaskCompletionSource? _next;
    private DateTimeOffset _askedAt;
    private CancellationTokenSource? _waiting;
    private DateTimeOffset _lastStart = DateTimeOffset.MinValue;
    private bool _urgent;
    private bool _writing;
    private CancellationTokenSource? _hurry;

    /// <summary>
    /// While a write runs: whether a caller of <see cref="CommitAsync"/> waits for it. A write nobody waits for (only
    /// <see cref="CommitLaterAsync"/>) may wait its turn among the process's writes behind (<see cref="WriteBehindGate"/>).
    /// </summary>
    public bool Waited { get; private set; }

    /// <summary>
    /// While a write nobody waited for runs: cancelled once someone calls <see cref="CommitAsync"/>, who then waits for
    /// the write after it. A write that waits its turn among the writes behind goes at once when told so.
    /// </summary>
    public CancellationToken Hurry => _hurry?.Token ?? CancellationToken.None;

    /// <summary>Writes as soon as the write in flight (if any) is done.</summary>
    public Task CommitAsync()
    {
        // Joined before the wait is cut: that may start the write at once (inline), and this change must be in it.
        _urgent = true;
        var next = Next();
        _waiting?.Cancel();
        _hurry?.Cancel();
        return next;
    }

    /// <summary>Writes once the interval since the previous write has passed (or with the next <see cref="CommitAsync"/>).</summary>
    public Task CommitLaterAsync() => Next();

    private Task Next()
    {
        if (_next is { } pending)
        {
            return pending.Task;
        }

        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _next = next;
        _askedAt = _time.GetUtcNow();
        if (!_writing)
        {
            _ = RunAsync();
        }

        return next.Task;
    }

    private async Task RunAsync()
    {
        _writing = true;
        try
        {
            while (_next is not null)
            {
                await WaitForIntervalAsync();
                var batch = _next!;
                _next = null;
                Waited = _urgent || stopping.IsCancellationRequested;
                _urgent = false;
                _lastStart = _time.GetUtcNow();
                using var hurry = Waited ? null : CancellationTokenSource.CreateLinkedTokenSource(stopping);
                _hurry = hurry;
                try
                {
                    await write();
                    batch.SetResult();
                }
                catch (Exception ex)
                {
                    batch.SetException(ex);
                }
                finally
                {
                    _hurry = null;
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }

    /// <summary>Callers arriving meanwhile join the batch, which is taken only after the wait.</summary>
    private async Task WaitForIntervalAsync()
    {
        var now = _time.GetUtcNow();
        var wait = _lastStart == DateTimeOffset.MinValue ? TimeSpan.Zero : _lastStart + minInterval - now;
        if (delayFirst && _askedAt + minInterval - now > wait)
        {
            wait = _askedAt + minInterval - now;
        }

        if (_urgent || wait <= TimeSpan.Zero || stopping.IsCancellationRequested)
        {
            return;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _waiting = waiting;
        try
        {
            await Task.Delay(wait, _time, waiting.Token);
        }
        catch (OperationCanceledException)
        {
            // A caller that waits for the write asked for it now, or the process stops.
        }
        finally
        {
            _waiting = null;
        }
    }
}
