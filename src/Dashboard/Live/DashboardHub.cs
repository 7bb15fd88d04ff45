using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Boai.Orleans.Dashboard.Live;

/// <summary>
/// The live dashboard hub (<c>/hubs/dashboard</c>). A connection joins one SignalR group per district it watches;
/// <see cref="WatchAll"/> joins the group of every district the caller covers, so each event reaches a connection
/// through exactly one group, once. A volunteer's connection joins only the volunteer's own group, where the menu
/// orders offered to them arrive. Events arrive from the cluster through <see cref="DashboardHostObserver"/>.
/// </summary>
[Authorize(Policy = AuthSetup.CallerPolicy)]
public sealed class DashboardHub(Access access, DistrictDirectory districts) : Hub
{
    public static string GroupOf(string districtId) => "district:" + districtId;

    /// <summary>The group of one volunteer's connections.</summary>
    public static string VolunteerGroupOf(string volunteerId) => "volunteer:" + volunteerId;

    public override async Task OnConnectedAsync()
    {
        if (access.OwnOffers(CurrentCaller()) is { } volunteerId)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, VolunteerGroupOf(volunteerId));
        }

        await base.OnConnectedAsync();
    }

    public async Task Watch(string districtId)
    {
        var caller = CurrentCaller();
        if (!access.MayWatch(caller, districtId))
        {
            throw new HubException("无权查看该镇区 / You may not watch this district");
        }

        if (Watched.Add(districtId))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(districtId));
        }
    }

    public async Task Unwatch(string districtId)
    {
        if (Watched.Remove(districtId))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(districtId));
        }
    }

    /// <summary>Operators: every district. Coordinators: every district of theirs.</summary>
    public async Task<IReadOnlyList<string>> WatchAll()
    {
        var caller = CurrentCaller();
        var covered = districts.All.Select(d => d.DistrictId).Where(caller.CoversDistrict).ToList();
        foreach (var districtId in covered.Where(Watched.Add))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(districtId));
        }

        return covered;
    }

    private Caller CurrentCaller() =>
        Context.User is { } user && Caller.From(user) is { } caller ? caller : throw new HubException("未登录 / Not signed in");

    // Invocations of one connection run one at a time, so this set needs no lock.
    private HashSet<string> Watched =>
        Context.Items.TryGetValue(nameof(Watched), out var set) && set is HashSet<string> watched
            ? watched
            : (HashSet<string>)(Context.Items[nameof(Watched)] = new HashSet<string>(StringComparer.Ordinal));
}
