using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Districts;
using Boai.Orleans.Grants;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>A user's district grant as operators see it; <c>districts</c> null while never managed here.</summary>
public sealed record DistrictGrantDto(string Sub, bool Managed, IReadOnlyList<string>? Districts, DateTimeOffset? ChangedAt, string? ChangedBy)
{
    public static DistrictGrantDto From(DistrictGrant g) => new(g.Sub, g.Managed, g.Districts is { } d ? [.. d] : null, g.ChangedAt, g.ChangedBy);
}

public sealed record DistrictGrantBody(IReadOnlyList<string?>? Districts);

/// <summary>
/// Operators decide which districts a coordinator holds. A token's <c>district</c> claims count only where the grant
/// has them too, so a removal takes effect on every host within <see cref="AuthOptions.GrantCacheDuration"/> (at once
/// on the host that made it) and closes the coordinator's hub connections. Changes are audited as every change is.
/// </summary>
public static class DistrictGrantsApi
{
    public static RouteGroupBuilder MapDistrictGrantsApi(this RouteGroupBuilder api)
    {
        var grants = api.MapGroup("/operator/grants").RequireAuthorization(AuthSetup.OperatorPolicy).WithTags("Operations");
        grants.MapGet("/{sub}", Get)
            .WithSummary("A user's district grant (operators): the districts their tokens' district claims may use; null districts = never managed here, the token's claims stand.")
            .Produces<DistrictGrantDto>().ProducesProblem(403);
        grants.MapPut("/{sub}", Set)
            .WithSummary("Sets the districts a user may hold (operators). A district taken away stops working for tokens already issued within Auth:GrantCacheDuration; open hub connections holding it are closed.")
            .Produces<DistrictGrantDto>().ProducesValidationProblem().ProducesProblem(403);
        grants.MapDelete("/{sub}/districts/{districtId}", Remove)
            .WithSummary("Removes a coordinator from one district (operators); their other districts stay as they were.")
            .Produces<DistrictGrantDto>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Get(string sub, DistrictGrants grants) =>
        TypedResults.Ok(DistrictGrantDto.From(await grants.CurrentAsync(sub, fresh: true)));

    private static async Task<IResult> Set(string sub, DistrictGrantBody body, Caller caller, DistrictDirectory districts, DistrictGrants grants, HubGrantWatch hubs)
    {
        var v = new Validation();
        var granted = v.List("districts", body.Districts, d => districts.Find(d) is not null, maxCount: districts.All.Count);
        if (body.Districts is null)
        {
            v.Add("districts", "必填（可为空列表）/ Required (may be an empty list)");
        }

        if (!v.IsValid)
        {
            return v.Problem();
        }

        var grant = await grants.SetAsync(sub, [.. granted], caller.Sub);
        await hubs.SweepAsync(sub);
        return TypedResults.Ok(DistrictGrantDto.From(grant));
    }

    private static async Task<IResult> Remove(string sub, string districtId, Caller caller, DistrictDirectory districts, DistrictGrants grants, HubGrantWatch hubs)
    {
        if (districts.Find(districtId) is null)
        {
            return ApiProblems.NotFound($"镇区 {districtId} 不存在 / No district {districtId}");
        }

        var grant = await grants.RemoveAsync(sub, districtId, caller.Sub);
        await hubs.SweepAsync(sub);
        return TypedResults.Ok(DistrictGrantDto.From(grant));
    }
}
