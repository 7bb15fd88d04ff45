using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Sessions;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>
/// <c>household</c>: required for (and only for) the <c>resident</c> role: the household the resident belongs to.
/// <c>refreshable</c>: also open a refreshable session (phones) and answer its refresh token.
/// </summary>
public sealed record DevTokenRequest(string? Sub, string? Role, IReadOnlyList<string?>? Districts, string? Household = null, bool? Refreshable = null);

/// <summary><c>refreshToken</c> only when asked for (<c>refreshable</c>): trade it at <c>POST /api/v1/auth/refresh</c>.</summary>
public sealed record DevTokenResponse(string Token, DateTimeOffset ExpiresAt, string? RefreshToken = null, DateTimeOffset? RefreshExpiresAt = null);

/// <summary>Token minting for development and the demo; absent (404) unless enabled, and always in Production.</summary>
public static class DevTokenApi
{
    public static IEndpointRouteBuilder MapDevTokenApi(this IEndpointRouteBuilder routes)
    {
        var signing = routes.ServiceProvider.GetRequiredService<TokenSigning>();
        if (!signing.DevTokensEnabled)
        {
            return routes;
        }

        routes.MapPost("/api/v1/dev/token", Issue)
            .AllowAnonymous()
            .WithTags("Dev")
            .WithSummary("Mints a token for a volunteer, coordinator, operator or resident (with household; development and demo only).")
            .Produces<DevTokenResponse>()
            .ProducesValidationProblem();
        return routes;
    }

    private static async Task<IResult> Issue(
        DevTokenRequest body, TokenSigning signing, RefreshSessions sessions, DistrictDirectory districts, IGrainFactory grains)
    {
        var v = new Validation();
        var sub = v.Id("sub", body.Sub);
        if (!Roles.IsKnown(body.Role))
        {
            v.Add("role", "可选值 / One of: " + string.Join(", ", Roles.All));
        }

        var scope = v.List("districts", body.Districts, d => districts.Find(d) is not null);
        if (body.Role == Roles.Coordinator && scope.Count == 0 && v.IsValid)
        {
            v.Add("districts", "社工至少负责一个镇区 / A coordinator needs at least one district");
        }

        string? household = null;
        if (body.Role == Roles.Resident)
        {
            household = v.Id("household", body.Household);
            if (household.Length > 0 && await grains.GetGrain<IHouseholdGrain>(household).GetDistrict() is null)
            {
                v.Add("household", "未知的家庭 / Unknown household");
            }
        }

        if (!v.IsValid)
        {
            return v.Problem();
        }

        IReadOnlyCollection<string> granted = body.Role == Roles.Coordinator ? scope : [];
        if (body.Refreshable == true)
        {
            var session = await sessions.OpenAsync(sub, new SessionClaims(body.Role!, [.. granted], household));
            return TypedResults.Ok(new DevTokenResponse(session.Token, session.ExpiresAt, session.RefreshToken, session.RefreshExpiresAt));
        }

        var (token, expiresAt) = signing.Issue(sub, body.Role!, granted, household: household);
        return TypedResults.Ok(new DevTokenResponse(token, expiresAt));
    }
}
