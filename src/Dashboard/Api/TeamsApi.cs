using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Teams;

namespace Boai.Orleans.Dashboard.Api;

public sealed record TeamBody(string? Name, string? DistrictId, string? LeaderId, string? Kind, string? Specialty, string? ParentTeamId);

/// <summary>Service teams (服务队): regional or professional, led by a social worker.</summary>
public static class TeamsApi
{
    public static RouteGroupBuilder MapTeamsApi(this RouteGroupBuilder api)
    {
        var teams = api.MapGroup("/teams").WithTags("Teams");

        teams.MapPut("/{teamId}", Put)
            .WithSummary("Creates (201) or replaces (200) a service team.")
            .Produces<TeamView>(StatusCodes.Status201Created).Produces<TeamView>().ProducesValidationProblem().ProducesProblem(403);
        teams.MapGet("/{teamId}", Get)
            .WithSummary("A service team with its members and hours.")
            .Produces<TeamView>().ProducesProblem(403).ProducesProblem(404);
        teams.MapPost("/{teamId}/members/{volunteerId}", AddMember)
            .WithSummary("Adds a volunteer to the team.")
            .Produces<TeamView>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        teams.MapDelete("/{teamId}/members/{volunteerId}", RemoveMember)
            .WithSummary("Removes a volunteer from the team.")
            .Produces<TeamView>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Put(string teamId, TeamBody body, Caller caller, Access access, IGrainFactory grains)
    {
        if (access.Staff(caller) is { } denied)
        {
            return denied;
        }

        var v = new Validation();
        v.Id("teamId", teamId);
        var name = v.Text("name", body.Name, 60);
        var districtId = v.Id("districtId", body.DistrictId);
        var leaderId = v.Id("leaderId", body.LeaderId);
        var kind = v.Enum<TeamKind>("kind", body.Kind, required: true);
        var specialty = v.OptionalText("specialty", body.Specialty, 40);
        var parent = string.IsNullOrEmpty(body.ParentTeamId) ? null : v.Id("parentTeamId", body.ParentTeamId);
        if (parent == teamId)
        {
            v.Add("parentTeamId", "不能是自己 / Cannot be the team itself");
        }

        if (!v.IsValid)
        {
            return v.Problem();
        }

        if (access.IntoDistrict(caller, districtId) is { } outside)
        {
            return outside;
        }

        var grain = grains.GetGrain<IServiceTeamGrain>(teamId);
        var current = await grain.Get();
        if (current is not null && !caller.CoversDistrict(current.Profile.DistrictId))
        {
            return ApiProblems.Forbidden();
        }

        if (parent is not null && await TeamParents.CheckAsync(grains, teamId, parent, districtId) is { } badParent)
        {
            return badParent;
        }

        if (current is null && await RecordCreation.ClaimAsync(grains, caller, "team", teamId, districtId) is { } taken)
        {
            return taken;
        }

        var outcome = await grain.Upsert(new TeamProfile(name, districtId, leaderId, kind!.Value, specialty, parent));
        return outcome.ToResult(team => team, $"/api/v1/teams/{teamId}");
    }

    private static async Task<IResult> Get(string teamId, Caller caller, Access access)
    {
        var team = await access.Team(caller, teamId);
        return team.Denied ?? TypedResults.Ok(team.Value);
    }

    private static async Task<IResult> AddMember(string teamId, string volunteerId, Caller caller, Access access, IGrainFactory grains)
    {
        var team = await access.Team(caller, teamId);
        if (team.Denied is not null)
        {
            return team.Denied;
        }

        var volunteer = await access.Volunteer(caller, volunteerId, self: false);
        if (volunteer.Denied is not null)
        {
            return volunteer.Denied;
        }

        return (await grains.GetGrain<IServiceTeamGrain>(teamId).AddMember(volunteerId)).ToOk(t => t);
    }

    private static async Task<IResult> RemoveMember(string teamId, string volunteerId, Caller caller, Access access, IGrainFactory grains)
    {
        var team = await access.Team(caller, teamId);
        if (team.Denied is not null)
        {
            return team.Denied;
        }

        return (await grains.GetGrain<IServiceTeamGrain>(teamId).RemoveMember(volunteerId)).ToOk(t => t);
    }
}
