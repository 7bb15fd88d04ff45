using System.Security.Cryptography;
using System.Text;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Sessions;

[GenerateSerializer]
public sealed class RefreshSessionState
{
    [Id(0)] public Dictionary<string, RefreshFamily> Families { get; set; } = [];
}

[GenerateSerializer, Immutable]
public sealed record RefreshFamily(
    [property: Id(0)] string Hash,
    [property: Id(1)] SessionClaims Claims,
    [property: Id(2)] DateTimeOffset OpenedAt,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] int Rotations,
    [property: Id(5)] string? PreviousHash = null,
    [property: Id(6)] DateTimeOffset? RotatedAt = null);

/// <summary>A user's refresh-token families, kept durably: a rotation is answered only after the new hash is stored.</summary>
public sealed class RefreshSessionGrain([PersistentState("sessions")] IPersistentState<RefreshSessionState> state) : Grain, IRefreshSessionGrain
{
    /// <summary>Sessions one user may hold at once (phones, browsers); opening another ends the oldest, so the state is bounded.</summary>
    public const int MaxFamilies = 10;

    public async Task Open(string familyId, string hash, SessionClaims claims, DateTimeOffset at, DateTimeOffset expiresAt)
    {
        var kept = state.State.Families.Where(f => f.Value.ExpiresAt > at).OrderByDescending(f => f.Value.OpenedAt).Take(MaxFamilies - 1);
        var next = new RefreshSessionState { Families = kept.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal) };
        next.Families[familyId] = new RefreshFamily(hash, claims, at, expiresAt, 0);
        await state.WriteOrReloadAsync(next, this);
    }

    public async Task<RotateResult> Rotate(
        string familyId, string presentedHash, string nextHash, DateTimeOffset at, DateTimeOffset expiresAt, TimeSpan retryGrace)
    {
        if (!state.State.Families.TryGetValue(familyId, out var family))
        {
            return new RotateResult(RotateStatus.Unknown, null);
        }

        if (family.ExpiresAt <= at)
        {
            await StoreWithout(familyId);
            return new RotateResult(RotateStatus.Expired, null);
        }

        if (Same(family.PreviousHash, presentedHash) && at - family.RotatedAt <= retryGrace)
        {
            // The phone never got the last answer (signal lost) and asks again with the token it still holds: answer
            // anew, and the token of the lost answer, never seen by anyone, is replaced. The window does not slide.
            var retried = Copy();
            retried.Families[familyId] = family with { Hash = nextHash };
            await state.WriteOrReloadAsync(retried, this);
            return new RotateResult(RotateStatus.Rotated, family.Claims);
        }

        if (!Same(family.Hash, presentedHash))
        {
            // Only the family's holder knows its id: a token of it that is not the current one is an old one come back.
            await StoreWithout(familyId);
            return new RotateResult(RotateStatus.Reused, null);
        }

        var next = Copy();
        next.Families[familyId] = family with
        {
            Hash = nextHash, ExpiresAt = expiresAt, Rotations = family.Rotations + 1, PreviousHash = presentedHash, RotatedAt = at,
        };
        await state.WriteOrReloadAsync(next, this);
        return new RotateResult(RotateStatus.Rotated, family.Claims);
    }

    public async Task<bool> Revoke(string familyId)
    {
        if (!state.State.Families.ContainsKey(familyId))
        {
            return false;
        }

        await StoreWithout(familyId);
        return true;
    }

    public async Task<int> RevokeAll()
    {
        var count = state.State.Families.Count;
        if (count > 0)
        {
            await state.WriteOrReloadAsync(new RefreshSessionState(), this);
        }

        return count;
    }

    private Task StoreWithout(string familyId)
    {
        var next = Copy();
        next.Families.Remove(familyId);
        return state.WriteOrReloadAsync(next, this);
    }

    private static bool Same(string? stored, string presented) =>
        stored is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(presented));

    private RefreshSessionState Copy() => new() { Families = new Dictionary<string, RefreshFamily>(state.State.Families, StringComparer.Ordinal) };
}
