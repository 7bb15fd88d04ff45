using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>
/// Every authenticated request (and every hub connection as it opens) sees a coordinator's <c>district</c> claims cut
/// down to what their grant allows now, so <see cref="Caller"/> and <see cref="Access"/> never act on a district an
/// operator has taken away, however long the token still lives.
/// </summary>
public sealed class GrantedClaims(DistrictGrants grants) : IClaimsTransformation
{
    // Marks a principal already cut down: authentication may run more than once in a request.
    private const string Applied = "boai:grant";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity
            || principal.HasClaim(c => c.Type == Applied)
            || principal.FindFirst(BoaiClaims.Role)?.Value != Roles.Coordinator
            || principal.FindFirst(BoaiClaims.Subject)?.Value is not { Length: > 0 } sub)
        {
            return principal;
        }

        var claimed = identity.FindAll(BoaiClaims.District).Select(c => c.Value).ToList();
        var allowed = await grants.AllowedAsync(sub, claimed);
        var cut = new ClaimsIdentity(
            identity.Claims.Where(c => c.Type != BoaiClaims.District || allowed.Contains(c.Value)),
            identity.AuthenticationType,
            identity.NameClaimType,
            identity.RoleClaimType);
        cut.AddClaim(new Claim(Applied, "1"));
        return new ClaimsPrincipal(cut);
    }
}
