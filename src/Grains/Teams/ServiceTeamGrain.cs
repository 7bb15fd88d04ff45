using Boai.Orleans.Districts;
using Boai.Orleans.Model;
using Boai.Orleans.Storage;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Teams;

[GenerateSerializer]
public sealed class TeamState
{
    [Id(0)] public TeamProfile? Profile { get; set; }
    [Id(1)] public List<string> Members { get; set; } = [];
}

/// <summary>A service team: its leader, members and their hours together.</summary>
public sealed class ServiceTeamGrain([PersistentState("team")] IPersistentState<TeamState> state, DistrictDirectory districts)
    : Grain, IServiceTeamGrain
{
    private TeamState S => state.State;

    public async Task<Outcome<TeamView>> Upsert(TeamProfile profile)
    {
        if (districts.Find(profile.DistrictId) is null)
        {
            return Failure.Invalid("districtId", "未知镇区 / Unknown district");
        }

        var created = S.Profile is null;
        var movedFrom = S.Profile?.DistrictId is { } old && old != profile.DistrictId ? old : null;
        S.Profile = profile;
        await state.WriteOrReloadAsync(this);

        // The district's list follows the stored team; a retried upsert repeats this harmlessly.
        var teamId = this.GetPrimaryKeyString();
        await GrainFactory.GetGrain<IDistrictTeamsGrain>(profile.DistrictId).Add(teamId);
        if (movedFrom is not null)
        {
            await GrainFactory.GetGrain<IDistrictTeamsGrain>(movedFrom).Remove(teamId);
        }

        return Outcome<TeamView>.Ok(await ViewAsync(), created);
    }

    public async Task<TeamView?> Get() => S.Profile is null ? null : await ViewAsync();

    public async Task<Outcome<TeamView>> AddMember(string volunteerId)
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("服务队不存在 / Team not found");
        }

        if (await GrainFactory.GetGrain<IVolunteerGrain>(volunteerId).Get() is null)
        {
            return Failure.NotFound("志愿者不存在 / Volunteer not found");
        }

        if (!S.Members.Contains(volunteerId))
        {
            S.Members.Add(volunteerId);
            await state.WriteOrReloadAsync(this);
        }

        return Outcome<TeamView>.Ok(await ViewAsync());
    }

    public async Task<Outcome<TeamView>> RemoveMember(string volunteerId)
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("服务队不存在 / Team not found");
        }

        if (S.Members.Remove(volunteerId))
        {
            await state.WriteOrReloadAsync(this);
        }

        return Outcome<TeamView>.Ok(await ViewAsync());
    }

    private async Task<TeamView> ViewAsync()
    {
        var hours = await Task.WhenAll(S.Members.Select(m => GrainFactory.GetGrain<IVolunteerGrain>(m).GetHours()));
        return new TeamView(
            this.GetPrimaryKeyString(),
            S.Profile!,
            S.Members,
            Math.Round(hours.Sum(h => h?.CertifiedHours ?? 0), 2),
            Math.Round(hours.Sum(h => h?.PendingHours ?? 0), 2));
    }
}
