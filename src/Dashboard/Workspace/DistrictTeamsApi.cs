using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Rules;
using Boai.Orleans.Teams;

namespace Boai.Orleans.Dashboard.Workspace;

/// <summary>A member of a team on a list: the name masked (陈**).</summary>
public sealed record TeamMemberItem(string VolunteerId, string Name);

/// <summary>A service team on its district's list, with its members (masked) and their hours together.</summary>
public sealed record TeamListItem(
    string TeamId,
    string Name,
    TeamKind Kind,
    string? Specialty,
    string? ParentTeamId,
    string LeaderId,
    IReadOnlyList<TeamMemberItem> Members,
    double CertifiedHours,
    double PendingHours);

/// <summary>A district's service teams (服务队), for the list and the regional × professional matrix ("1+10+18").</summary>
public static class DistrictTeamsApi
{
    public static RouteGroupBuilder MapDistrictTeamsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/districts/{districtId}/teams", List)
            .WithTags("Teams")
            .WithSummary("The district's service teams, regional and professional, with their members (names masked) and hours.")
            .Produces<TeamListItem[]>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> List(string districtId, Caller caller, Access access, IGrainFactory grains)
    {
        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var ids = await grains.GetGrain<IDistrictTeamsGrain>(districtId).List();
        var names = (await grains.GetGrain<IDistrictGrain>(districtId).GetVolunteers())
            .ToDictionary(v => v.VolunteerId, v => Masking.Name(v.MaskedName), StringComparer.Ordinal);
        var teams = await Task.WhenAll(ids.Select(id => grains.GetGrain<IServiceTeamGrain>(id).Get()));

        // A team moved to another district since it was listed here belongs to that district's list.
        return TypedResults.Ok(teams
            .OfType<TeamView>()
            .Where(t => t.Profile.DistrictId == districtId)
            .Select(t => new TeamListItem(
                t.TeamId,
                t.Profile.Name,
                t.Profile.Kind,
                t.Profile.Specialty,
                t.Profile.ParentTeamId,
                t.Profile.LeaderId,
                t.Members.Select(m => new TeamMemberItem(m, names.GetValueOrDefault(m, ""))).ToList(),
                t.CertifiedHours,
                t.PendingHours))
            .OrderBy(t => t.Kind)
            .ThenBy(t => t.TeamId, StringComparer.Ordinal)
            .ToList());
    }
}
