namespace Boai.Orleans.Dashboard.Security;

/// <summary>The roles a token may carry, as the contract spells them in the <c>role</c> claim.</summary>
public static class Roles
{
    public const string Volunteer = "volunteer";
    public const string Coordinator = "coordinator";
    public const string Operator = "operator";

    public static readonly IReadOnlyList<string> All = [Volunteer, Coordinator, Operator];

    public static bool IsKnown(string? role) => role is Volunteer or Coordinator or Operator;
}

/// <summary>The claim names of the contract.</summary>
public static class BoaiClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string District = "district";
}
