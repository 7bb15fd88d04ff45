using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Boai.Orleans.Live;

public sealed class LiveEventOptions
{
    public const string SectionName = "LiveEvents";

    /// <summary>A dashboard host that has not re-registered for this long is dropped.</summary>
    public TimeSpan HostExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a silo's publisher trusts its copy of the host list.</summary>
    public TimeSpan HostListRefresh { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>The registered dashboard hosts, by the grain id of their observer, as stored.</summary>
[GenerateSerializer]
public sealed class DashboardHostRegistryState
{
    [Id(0)] public List<string> Hosts { get; set; } = [];
}

/// <summary>
/// The dashboard hosts that want live events. The set of hosts is stored, so when this grain moves (its silo stopped)
/// the new activation knows every host at once instead of dropping every event until each host registers again; a
/// restored host gets one <see cref="LiveEventOptions.HostExpiry"/> to re-register before it is forgotten. Only a
/// change of the set is written, not every re-registration.
/// </summary>
public sealed partial class DashboardHostRegistryGrain(
    [PersistentState("hosts")] IPersistentState<DashboardHostRegistryState> state,
    TimeProvider time,
    IOptions<LiveEventOptions> options,
    ILogger<DashboardHostRegistryGrain> logger) : Grain, IDashboardHostRegistryGrain
{
    private readonly Dictionary<GrainId, (IDashboardHostObserver Host, DateTimeOffset SeenAt)> _hosts = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var stored in state.State.Hosts)
        {
            var id = GrainId.Parse(stored);
            _hosts[id] = (GrainFactory.GetGrain<IDashboardHostObserver>(id), now);
        }

        return Task.CompletedTask;
    }

    public async Task Register(IDashboardHostObserver host)
    {
        var id = host.GetGrainId();
        var isNew = !_hosts.ContainsKey(id);
        _hosts[id] = (host, time.GetUtcNow());
        if (isNew)
        {
            await SaveAsync();
        }
    }

    public async Task Unregister(IDashboardHostObserver host)
    {
        if (_hosts.Remove(host.GetGrainId()))
        {
            await SaveAsync();
        }
    }

    public async Task<ImmutableArray<IDashboardHostObserver>> GetHosts()
    {
        var cutoff = time.GetUtcNow() - options.Value.HostExpiry;
        var expired = _hosts.Where(h => h.Value.SeenAt < cutoff).Select(h => h.Key).ToList();
        if (expired.Count > 0)
        {
            expired.ForEach(id => _hosts.Remove(id));
            await SaveAsync();
        }

        return [.. _hosts.Values.Select(h => h.Host)];
    }

    /// <summary>
    /// Best effort: live events must not stop because storage is down, so a failed write only leaves the stored set
    /// behind until the next change. A stale ETag is re-read once, and the set written again.
    /// </summary>
    private async Task SaveAsync()
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            state.State.Hosts = [.. _hosts.Keys.Select(id => id.ToString()).Order(StringComparer.Ordinal)];
            try
            {
                await state.WriteStateAsync();
                return;
            }
            catch (InconsistentStateException ex) when (attempt == 0)
            {
                LogStale(logger, ex);
                await state.ReadStateAsync();
            }
            catch (Exception ex)
            {
                LogSaveFailed(logger, ex);
                return;
            }
        }
    }

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "The stored dashboard host list was stale; writing it again")]
    private static partial void LogStale(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Storing the dashboard host list failed; hosts stay registered in memory")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception);
}
