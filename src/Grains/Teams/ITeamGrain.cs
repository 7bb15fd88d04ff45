using Boai.Orleans.Model;

namespace Boai.Orleans.Teams;

/// <summary>Regional (district, street) or professional (medical, counselling, legal...) team.</summary>
public enum TeamKind
{
    Regional,
    Professional,
}

[GenerateSerializer, Immutable]
public sealed record TeamProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] string DistrictId,
    [property: Id(2)] string LeaderId,
    [property: Id(3)] TeamKind Kind,
    [property: Id(4)] string? Specialty,
    [property: Id(5)] string? ParentTeamId);

[GenerateSerializer, Immutable]
public sealed record TeamView(
    [property: Id(0)] string TeamId,
    [property: Id(1)] TeamProfile Profile,
    [property: Id(2)] IReadOnlyList<string> Members,
    [property: Id(3)] double CertifiedHours,
    [property: Id(4)] double PendingHours);

/// <summary>A service team (服务队) led by a social worker.</summary>
public interface IServiceTeamGrain : IGrainWithStringKey
{
    Task<Outcome<TeamView>> Upsert(TeamProfile profile);

    Task<TeamView?> Get();

    Task<Outcome<TeamView>> AddMember(string volunteerId);

    Task<Outcome<TeamView>> RemoveMember(string volunteerId);
}
