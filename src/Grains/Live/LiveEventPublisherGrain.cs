using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Boai.Orleans.Live;

/// <summary>
/// One per silo (a stateless worker is always local). Events that arrive while a batch is being sent wait for the next
/// batch, so under load each dashboard host gets a few large messages instead of one per event — batched per host,
/// not per browser. <see cref="Publish"/> completes once its batch is sent, and a district awaits it before it
/// publishes again, so a district's events leave in its order. The one activation is never removed while idle: a
/// second activation sending beside a retiring one is how a district's later event once overtook an earlier one.
/// </summary>
[StatelessWorker(1, removeIdleWorkers: false)]
[Reentrant]
public sealed partial class LiveEventPublisherGrain(TimeProvider time, IOptions<LiveEventOptions> options, ILogger<LiveEventPublisherGrain> logger)
    : Grain, ILiveEventPublisherGrain
{
    private readonly List<LiveEvent> _queue = [];
    private readonly Guid _publisher = Guid.NewGuid();
    private TaskCompletionSource? _queued;
    private long _sequence;
    private ImmutableArray<IDashboardHostObserver> _hosts = [];
    private DateTimeOffset _hostsReadAt = DateTimeOffset.MinValue;
    private bool _sending;

    public Task Publish(ImmutableArray<LiveEvent> events)
    {
        _queue.AddRange(events);
        var sent = _queued ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_sending)
        {
            _ = SendLoopAsync();
        }

        return sent.Task;
    }

    private async Task SendLoopAsync()
    {
        _sending = true;
        try
        {
            while (_queue.Count > 0)
            {
                var hosts = await HostsAsync();
                var batch = new LiveBatch(_publisher, ++_sequence, [.. _queue]);
                var sent = _queued;
                _queue.Clear();
                _queued = null;
                foreach (var host in hosts)
                {
                    try
                    {
                        // One-way: a dead host costs nothing here; it expires from the registry.
                        await host.OnEvents(batch);
                        Telemetry.FannedOut(batch.Events.Length);
                    }
                    catch (Exception ex)
                    {
                        Log.SendFailed(logger, ex, batch.Events.Length);
                    }
                }

                sent?.TrySetResult();
            }
        }
        finally
        {
            _sending = false;
        }
    }

    private async Task<ImmutableArray<IDashboardHostObserver>> HostsAsync()
    {
        var now = time.GetUtcNow();
        if (now - _hostsReadAt > options.Value.HostListRefresh || _hosts.IsEmpty)
        {
            try
            {
                _hosts = await GrainFactory.GetGrain<IDashboardHostRegistryGrain>(0).GetHosts();
                _hostsReadAt = now;
            }
            catch (Exception ex)
            {
                Log.HostListFailed(logger, ex);
            }
        }

        return _hosts;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Sending {Count} live events to a dashboard host failed")]
        public static partial void SendFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Reading the dashboard host list failed")]
        public static partial void HostListFailed(ILogger logger, Exception exception);
    }
}
