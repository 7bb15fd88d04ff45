using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>
/// The open hub connections of coordinators on this host, with the districts each held when it opened. Every
/// <see cref="AuthOptions.GrantCheckInterval"/> (and at once when an operator's change passes through this host) their
/// grants are read afresh, and a connection that lost a district is closed: it stops receiving that district's events,
/// and the page's reconnect watches only what the coordinator still holds.
/// </summary>
public sealed partial class HubGrantWatch(DistrictGrants grants, AuthOptions options, TimeProvider time, ILogger<HubGrantWatch> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, (HubCallerContext Context, string Sub, IReadOnlySet<string> Districts)> _connections = new(StringComparer.Ordinal);

    public void Opened(HubCallerContext context, Caller caller)
    {
        if (caller.IsCoordinator)
        {
            _connections[context.ConnectionId] = (context, caller.Sub, caller.Districts);
        }
    }

    public void Closed(string connectionId) => _connections.TryRemove(connectionId, out _);

    /// <summary>Whether the connection still holds every district it opened with, by the grant as this host knows it.</summary>
    public async ValueTask<bool> StillGrantedAsync(HubCallerContext context)
    {
        if (!_connections.TryGetValue(context.ConnectionId, out var connection))
        {
            return true;
        }

        var allowed = await grants.AllowedAsync(connection.Sub, connection.Districts);
        return allowed.Count == connection.Districts.Count;
    }

    /// <summary>Reads the grants of connected coordinators (one user, or all) afresh and closes each connection that lost a district.</summary>
    public async Task<int> SweepAsync(string? sub = null)
    {
        var closed = 0;
        foreach (var user in _connections.Values.Where(c => sub is null || c.Sub == sub).GroupBy(c => c.Sub, StringComparer.Ordinal))
        {
            var grant = await grants.CurrentAsync(user.Key, fresh: true);
            foreach (var (context, _, _) in user.Where(c => !c.Districts.All(grant.Allows)))
            {
                LogRevokedConnection(logger, context.ConnectionId, user.Key);
                Closed(context.ConnectionId);
                context.Abort();
                closed++;
            }
        }

        return closed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.GrantCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    grants.Prune();
                    await SweepAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The cluster may be away for a moment: the next tick tries again, and requests check grants on their own.
                    LogSweepFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Host stopping.
        }
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information,
        Message = "Closed hub connection {ConnectionId} of {Sub}: a district it held was withdrawn from their grant.")]
    private static partial void LogRevokedConnection(ILogger logger, string connectionId, string sub);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Could not re-read the district grants of open hub connections.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}

/// <summary>Registers coordinators' hub connections with <see cref="HubGrantWatch"/> and refuses calls of one whose grant shrank.</summary>
public sealed class GrantedHubFilter(HubGrantWatch watch) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (context.Context.User is { } user && Caller.From(user) is { } caller)
        {
            watch.Opened(context.Context, caller);
        }

        await next(context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        watch.Closed(context.Context.ConnectionId);
        return next(context, exception);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (!await watch.StillGrantedAsync(invocationContext.Context))
        {
            invocationContext.Context.Abort();
            throw new HubException("镇区权限已变更，请重新连接 / Your districts changed: reconnect");
        }

        return await next(invocationContext);
    }
}
