using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Boai.Orleans.Live;

/// <summary>Implemented by each dashboard host; receives every live event of the cluster in batches.</summary>
public interface IDashboardHostObserver : IGrainObserver
{
    /// <summary>A numbered batch: a host may run these calls concurrently and puts them in order (<see cref="LiveBatchOrder"/>).</summary>
    [OneWay]
    Task OnEvents(LiveBatch batch);
}

/// <summary>The list of dashboard hosts (GPSTracker's hub list). Hosts re-register periodically; silent ones expire.</summary>
public interface IDashboardHostRegistryGrain : IGrainWithIntegerKey
{
    Task Register(IDashboardHostObserver host);

    Task Unregister(IDashboardHostObserver host);

    Task<ImmutableArray<IDashboardHostObserver>> GetHosts();
}

/// <summary>One per silo: batches the silo's events and sends each batch once to every dashboard host.</summary>
public interface ILiveEventPublisherGrain : IGrainWithIntegerKey
{
    Task Publish(ImmutableArray<LiveEvent> events);
}
