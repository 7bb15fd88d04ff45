using System.Collections.Immutable;

namespace Boai.Orleans.Grants;

/// <summary>
/// The districts one user (a coordinator, by the token's <c>sub</c>) may hold, as the service's operators decide them.
/// A token's <c>district</c> claims count only where the grant also has them, so removing a district here takes it
/// away from every token already issued. <see cref="DistrictGrant.Districts"/> is null while operators never managed the
/// user here: then the token's claims stand alone.
/// </summary>
public interface IDistrictGrantGrain : IGrainWithStringKey
{
    Task<DistrictGrant> Get();

    /// <summary>Replaces the districts the user may hold.</summary>
    Task<DistrictGrant> Set(ImmutableArray<string> districts, string by, DateTimeOffset at);

    /// <summary>Takes one district away; for a user never managed here, every other district stays allowed.</summary>
    Task<DistrictGrant> Remove(string districtId, string by, DateTimeOffset at);
}

/// <summary>A user's grant: <see cref="Districts"/> null means "not managed here" (the token's claims stand alone).</summary>
[GenerateSerializer, Immutable]
public sealed record DistrictGrant(
    [property: Id(0)] string Sub,
    [property: Id(1)] ImmutableArray<string>? Districts,
    [property: Id(2)] DateTimeOffset? ChangedAt,
    [property: Id(3)] string? ChangedBy)
{
    public bool Managed => Districts is not null;

    /// <summary>Whether a token's claim of <paramref name="districtId"/> counts.</summary>
    public bool Allows(string districtId) => Districts is not { } granted || granted.Contains(districtId, StringComparer.Ordinal);
}
