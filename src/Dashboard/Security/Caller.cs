using System.Reflection;
using System.Security.Claims;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>Who is asking: the token's subject, role and districts. Bound as an endpoint parameter.</summary>
public sealed record Caller(string Sub, string Role, IReadOnlySet<string> Districts)
{
    public bool IsOperator => Role == Roles.Operator;

    public bool IsCoordinator => Role == Roles.Coordinator;

    public bool IsVolunteer => Role == Roles.Volunteer;

    public bool IsResident => Role == Roles.Resident;

    /// <summary>Coordinators and operators: the people who keep records.</summary>
    public bool IsStaff => IsCoordinator || IsOperator;

    /// <summary>A resident's household (claim <c>household</c>); null for every other role.</summary>
    public string? Household { get; init; }

    /// <summary>Whether the caller may see and change records of this district.</summary>
    public bool CoversDistrict(string? districtId) =>
        districtId is not null && (IsOperator || (IsCoordinator && Districts.Contains(districtId)));

    public bool IsVolunteerItself(string volunteerId) => IsVolunteer && string.Equals(Sub, volunteerId, StringComparison.Ordinal);

    public static Caller? From(ClaimsPrincipal user)
    {
        var sub = user.FindFirst(BoaiClaims.Subject)?.Value;
        var role = user.FindFirst(BoaiClaims.Role)?.Value;
        if (string.IsNullOrEmpty(sub) || !Roles.IsKnown(role))
        {
            return null;
        }

        var household = user.FindFirst(BoaiClaims.Household)?.Value;
        if (role == Roles.Resident && string.IsNullOrEmpty(household))
        {
            // A resident without a household could act for none: not a caller.
            return null;
        }

        var districts = user.FindAll(BoaiClaims.District).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Caller(sub, role!, districts) { Household = role == Roles.Resident ? household : null };
    }

    /// <summary>Minimal API binding: the authorization policy has already required a valid caller.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter) => ValueTask.FromResult(From(context.User));
}
