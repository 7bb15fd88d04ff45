using System.Collections.Immutable;

namespace Boai.Orleans.Live;

/// <summary>Implemented by each dashboard host; receives every live event of the cluster in batches.</summary>
public interface IDashboardHostObserver : IGrainObserver
{
    /// <summary>
    /// A numbered batch. A call, not one-way: a silo sends a host its next batch only once the host has answered this
    /// one, so a host takes each silo's batches one at a time and in order. Answer at once (hand the events on): a host
    /// that has not answered within the timeout counts as gone for that batch, so a dead host (or a dropped observer,
    /// which never answers) holds its own stream, and a silo's shutdown, back only that long.
    /// </summary>
    [ResponseTimeout("00:00:05")]
    Task OnEvents(LiveBatch batch);
}

/// <summary>The list of dashboard hosts (GPSTracker's hub list). Hosts re-register periodically; silent ones expire.</summary>
public interface IDashboardHostRegistryGrain : IGrainWithIntegerKey
{
    Task Register(IDashboardHostObserver host);

    Task Unregister(IDashboardHostObserver host);

    Task<ImmutableArray<IDashboardHostObserver>> GetHosts();
}

/// <summary>One per silo: batches the silo's events and sends each dashboard host its batches in order, one at a time.</summary>
public interface ILiveEventPublisherGrain : IGrainWithIntegerKey
{
    /// <summary>Completes once the events are queued, in order, for every dashboard host.</summary>
    Task Publish(ImmutableArray<LiveEvent> events);
}
