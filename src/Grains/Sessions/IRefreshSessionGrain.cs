using System.Collections.Immutable;

namespace Boai.Orleans.Sessions;

/// <summary>
/// One user's refreshable sessions (phones): each a family of refresh tokens of which only the newest is valid. Only
/// SHA-256 hashes of the tokens' secrets are stored. Presenting an older token of a family (a copy was stolen, or the
/// phone replayed one) revokes the whole family; operators revoke all of a user's families at once.
/// </summary>
public interface IRefreshSessionGrain : IGrainWithStringKey
{
    /// <summary>Starts a family whose first token's secret hashes to <paramref name="hash"/>.</summary>
    Task Open(string familyId, string hash, SessionClaims claims, DateTimeOffset at, DateTimeOffset expiresAt);

    /// <summary>
    /// Swaps the family's current token (<paramref name="presentedHash"/>) for the next one. The token just replaced
    /// is accepted once more within <paramref name="retryGrace"/> of its rotation (a phone that lost the answer).
    /// </summary>
    Task<RotateResult> Rotate(string familyId, string presentedHash, string nextHash, DateTimeOffset at, DateTimeOffset expiresAt, TimeSpan retryGrace);

    /// <summary>Ends one family (sign-out); false when there was none.</summary>
    Task<bool> Revoke(string familyId);

    /// <summary>Ends every family of the user; how many there were.</summary>
    Task<int> RevokeAll();
}

/// <summary>What the access tokens of a session say: the role, the districts asked for at sign-in, a resident's household.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionClaims(
    [property: Id(0)] string Role,
    [property: Id(1)] ImmutableArray<string> Districts,
    [property: Id(2)] string? Household);

public enum RotateStatus
{
    Rotated,

    /// <summary>No such family (never opened, signed out, revoked, or evicted).</summary>
    Unknown,

    Expired,

    /// <summary>An old token of the family came back: the family is revoked.</summary>
    Reused,
}

[GenerateSerializer, Immutable]
public sealed record RotateResult(
    [property: Id(0)] RotateStatus Status,
    [property: Id(1)] SessionClaims? Claims);
