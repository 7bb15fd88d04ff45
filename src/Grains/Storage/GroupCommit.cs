namespace Boai.Orleans.Storage;

/// <summary>
/// One write in flight, the rest coalesced: a caller makes its change in memory, then awaits <see cref="CommitAsync"/>,
/// which completes once a write that includes the change has succeeded. Calls arriving while a write is in flight
/// share the next write. Made for reentrant grains (one thread at a time), where overlapping writes would break ETags.
/// </summary>
public sealed class GroupCommit(Func<Task> write)
{
    private TaskCompletionSource? _next;
    private bool _writing;

    public Task CommitAsync()
    {
        if (_next is { } pending)
        {
            return pending.Task;
        }

        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _next = next;
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
            while (_next is { } batch)
            {
                _next = null;
                try
                {
                    await write();
                    batch.SetResult();
                }
                catch (Exception ex)
                {
                    batch.SetException(ex);
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }
}
