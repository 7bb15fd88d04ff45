using System.Collections.Immutable;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Live;

public sealed class LiveEventOptions
{
    public const string SectionName = "LiveEvents";

    /// <summary>A dashboard host that has not re-registered for this long is dropped.</summary>
    public TimeSpan HostExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a silo's publisher trusts its copy of the host list.</summary>
    public TimeSpan HostListRefresh { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The dashboard hosts that want live events. Kept in memory only: hosts re-register every few seconds, so after
/// this grain moves (a silo restart) the list is whole again within one re-registration period.
/// </summary>
public sealed class DashboardHostRegistryGrain(TimeProvider time, IOptions<LiveEventOptions> options) : Grain, IDashboardHostRegistryGrain
{
    private readonly Dictionary<IDashboardHostObserver, DateTimeOffset> _hosts = [];

    public Task Register(IDashboardHostObserver host)
    {
        _hosts[host] = time.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task Unregister(IDashboardHostObserver host)
    {
        _hosts.Remove(host);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<IDashboardHostObserver>> GetHosts()
    {
        var cutoff = time.GetUtcNow() - options.Value.HostExpiry;
        foreach (var expired in _hosts.Where(h => h.Value < cutoff).Select(h => h.Key).ToList())
        {
            _hosts.Remove(expired);
        }

        return Task.FromResult(_hosts.Keys.ToImmutableArray());
    }
}
