using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Boai.Orleans.Live;

/// <summary>
/// One per silo (a stateless worker is always local). Events that arrive while a batch is being sent wait for the next
/// batch, so under load each dashboard host gets a few large messages instead of one per event — batched per host,
/// not per browser. Events of one district come from one district grain and leave in the order they came.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
public sealed partial class LiveEventPublisherGrain(TimeProvider time, IOptions<LiveEventOptions> options, ILogger<LiveEventPublisherGrain> logger)
    : Grain, ILiveEventPublisherGrain
{
    private readonly List<LiveEvent> _queue = [];
    private ImmutableArray<IDashboardHostObserver> _hosts = [];
    private DateTimeOffset _hostsReadAt = DateTimeOffset.MinValue;
    private bool _sending;

    public Task Publish(ImmutableArray<LiveEvent> events)
    {
        _queue.AddRange(events);
        if (!_sending)
        {
            _ = SendLoopAsync();
        }

        return Task.CompletedTask;
    }

    private async Task SendLoopAsync()
    {
        _sending = true;
        try
        {
            while (_queue.Count > 0)
            {
                var hosts = await HostsAsync();
                var batch = _queue.ToImmutableArray();
                _queue.Clear();
                foreach (var host in hosts)
                {
                    try
                    {
                        // One-way: a dead host costs nothing here; it expires from the registry.
                        await host.OnEvents(batch);
                        Telemetry.FannedOut(batch.Length);
                    }
                    catch (Exception ex)
                    {
                        Log.SendFailed(logger, ex, batch.Length);
                    }
                }
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
