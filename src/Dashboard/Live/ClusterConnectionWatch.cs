namespace Boai.Orleans.Dashboard.Live;

/// <summary>
/// Tells <see cref="LiveHostRegistration"/> when this host's Orleans client lost a gateway connection. A client opens
/// gateway connections only to send, so a host that only receives live events stays unreachable after its gateway's
/// silo stops until it sends again: registering at once reconnects it, instead of after a whole registration period.
/// </summary>
public sealed class ClusterConnectionWatch : IClusterConnectionStatusObserver
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Completes at the next lost gateway connection after this call.</summary>
    public Task NextLossAsync()
    {
        lock (_lock)
        {
            return _changed.Task;
        }
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            Signal();
        }
    }

    public void NotifyClusterConnectionLost() => Signal();

    private void Signal()
    {
        TaskCompletionSource signalled;
        lock (_lock)
        {
            signalled = _changed;
            _changed = NewSignal();
        }

        signalled.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
