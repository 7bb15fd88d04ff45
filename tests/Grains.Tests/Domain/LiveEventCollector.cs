using System.Collections.Concurrent;
using Boai.Orleans.Live;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>A dashboard host stand-in: every live event the cluster sends, in the order they arrived.</summary>
internal sealed class LiveEventCollector : IDashboardHostObserver
{
    private readonly ConcurrentQueue<LiveEvent> _events = new();

    private readonly LiveBatchOrder _order;

    public LiveEventCollector() =>
        _order = new LiveBatchOrder(TimeProvider.System, events =>
        {
            foreach (var e in events)
            {
                _events.Enqueue(e);
            }
        });

    /// <summary>As a dashboard host takes them (<see cref="LiveBatchOrder"/>).</summary>
    public Task OnEvents(LiveBatch batch)
    {
        _order.Accept(batch);
        return Task.CompletedTask;
    }

    public List<LiveEvent> All() => [.. _events];

    public List<LiveEvent> Of(string districtId) => _events.Where(e => e.DistrictId == districtId).ToList();

    /// <summary>Publishers keep their list of hosts for a few seconds: waits until one reaches this observer.</summary>
    public async Task ReachedAsync(IGrainFactory grains)
    {
        var probe = Seed.Unique("probe");
        var reached = await DomainCluster.EventuallyAsync(
            async () =>
            {
                await grains.GetGrain<ILiveEventPublisherGrain>(0).Publish([new NeedCoveredEvent { DistrictId = probe, NeedId = probe, HouseholdId = probe, At = DateTimeOffset.UtcNow }]);
                await Task.Delay(100);
                return Of(probe).Count > 0;
            },
            yes => yes,
            TimeSpan.FromSeconds(30));
        Assert.True(reached, "The live events never reached the test's observer.");
    }
}

/// <summary>A <see cref="LiveEventCollector"/> registered as a dashboard host, once publishers reach it; disposing unregisters it.</summary>
internal sealed class LiveWatch(IClusterClient grains, LiveEventCollector events, IDashboardHostObserver observer) : IAsyncDisposable
{
    public LiveEventCollector Events => events;

    public static async Task<LiveWatch> StartAsync(IClusterClient grains)
    {
        var events = new LiveEventCollector();
        var observer = grains.CreateObjectReference<IDashboardHostObserver>(events);
        var watch = new LiveWatch(grains, events, observer);
        await grains.GetGrain<IDashboardHostRegistryGrain>(0).Register(observer);
        try
        {
            await events.ReachedAsync(grains);
        }
        catch
        {
            await watch.DisposeAsync();
            throw;
        }

        return watch;
    }

    public async ValueTask DisposeAsync()
    {
        await grains.GetGrain<IDashboardHostRegistryGrain>(0).Unregister(observer);
        grains.DeleteObjectReference<IDashboardHostObserver>(observer);
    }
}
