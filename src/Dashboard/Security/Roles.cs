namespace Boai.Orleans.Dashboard.Security;

/// <summary>The roles a token may carry, as the contract spells them in the <c>role</c> claim.</summary>
public static class Roles
{
    public const string Volunteer = "volunteer";
    public const string Coordinator = "coordinator";
    public const string Operator = "operator";

    /// <summary>A resident (群众) bound to one household by the <c>household</c> claim: orders and rates for it, nothing else.</summary>
    public const string Resident = "resident";

    public static readonly IReadOnlyList<string> All = [Volunteer, Coordinator, Operator, Resident];

    public static bool IsKnown(string? role) => role is Volunteer or Coordinator or Operator or Resident;
}

/// <summary>The claim names of the contract.</summary>
public static class BoaiClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string District = "district";

    /// <summary>The one household a resident's token is bound to.</summary>
    public const string Household = "household";
}
