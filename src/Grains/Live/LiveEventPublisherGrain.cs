using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Boai.Orleans.Live;

/// <summary>
/// One per silo (a stateless worker is always local). Each dashboard host has its own stream of batches: the next batch
/// goes to a host only once the host has taken the previous one, and events that arrive meanwhile wait for that next
/// batch, so under load each host gets a few large messages instead of one per event — batched per host, not per
/// browser. A host therefore receives a silo's events in the order they were published, whatever order its runtime
/// would run concurrent incoming calls in (an Orleans client hands each incoming message to the thread pool on its
/// own, so back-to-back one-way calls used to run out of order and a district's <c>suggestionsReady</c> overtook its
/// <c>needUncovered</c>). A slow or dead host holds back only its own stream. <see cref="Publish"/> completes once its
/// events are queued for every host, and a district awaits it before it publishes again, so a district's events leave
/// in its order without waiting for the hosts. The one activation is never removed while idle, and it delivers what it
/// has queued before it goes.
/// </summary>
[StatelessWorker(1, removeIdleWorkers: false)]
[Reentrant]
public sealed partial class LiveEventPublisherGrain(TimeProvider time, IOptions<LiveEventOptions> options, ILogger<LiveEventPublisherGrain> logger)
    : Grain, ILiveEventPublisherGrain
{
    private readonly List<LiveEvent> _queue = [];
    private readonly Dictionary<GrainId, HostStream> _streams = [];
    private TaskCompletionSource? _queued;
    private Task _dispatching = Task.CompletedTask;
    private ImmutableArray<IDashboardHostObserver> _hosts = [];
    private DateTimeOffset _hostsReadAt = DateTimeOffset.MinValue;

    public Task Publish(ImmutableArray<LiveEvent> events)
    {
        _queue.AddRange(events);
        var queued = _queued ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_dispatching.IsCompleted)
        {
            _dispatching = DispatchAsync();
        }

        return queued.Task;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _dispatching.WaitAsync(cancellationToken);
        await Task.WhenAll(_streams.Values.Select(s => s.Sent)).WaitAsync(cancellationToken);
    }

    /// <summary>Hands the queued events, in their order, to the stream of every host; the host list is read first when stale.</summary>
    private async Task DispatchAsync()
    {
        while (_queue.Count > 0)
        {
            var hosts = await HostsAsync();
            ImmutableArray<LiveEvent> events = [.. _queue];
            var queued = _queued;
            _queue.Clear();
            _queued = null;

            var listed = hosts.Select(h => h.GetGrainId()).ToHashSet();
            foreach (var gone in _streams.Keys.Where(id => !listed.Contains(id)).ToList())
            {
                // What it has in hand still goes; it gets nothing new.
                _streams.Remove(gone);
            }

            foreach (var host in hosts)
            {
                var id = host.GetGrainId();
                if (!_streams.TryGetValue(id, out var stream))
                {
                    stream = new HostStream(host, logger);
                    _streams[id] = stream;
                }

                stream.Add(events);
            }

            queued?.TrySetResult();
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

    /// <summary>
    /// One host's numbered batches, one call at a time (a call, not one-way: its answer says the host has taken the
    /// batch). A stream has an id of its own, so a host that leaves the list and comes back starts a fresh order.
    /// Runs on the grain's turns, like everything else of the grain.
    /// </summary>
    private sealed class HostStream(IDashboardHostObserver host, ILogger logger)
    {
        private readonly Guid _id = Guid.NewGuid();
        private List<LiveEvent> _pending = [];
        private long _sequence;

        public Task Sent { get; private set; } = Task.CompletedTask;

        public void Add(ImmutableArray<LiveEvent> events)
        {
            _pending.AddRange(events);
            if (Sent.IsCompleted)
            {
                Sent = SendAsync();
            }
        }

        private async Task SendAsync()
        {
            while (_pending.Count > 0)
            {
                var batch = new LiveBatch(_id, ++_sequence, [.. _pending]);
                _pending = [];
                try
                {
                    await host.OnEvents(batch);
                    Telemetry.FannedOut(batch.Events.Length);
                }
                catch (Exception ex)
                {
                    // A dead host expires from the registry; the batch's number stays used, so the host (if it was only
                    // slow) never takes the next batch for this one.
                    Log.SendFailed(logger, ex, batch.Events.Length);
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Sending {Count} live events to a dashboard host failed")]
        public static partial void SendFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Reading the dashboard host list failed")]
        public static partial void HostListFailed(ILogger logger, Exception exception);
    }
}
